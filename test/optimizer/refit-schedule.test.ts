import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAPER_REFIT, RefitSchedule } from '../../src/optimizer/refit-schedule.ts';

test('the first ten fits restart with 1000 steps, later fits continue with 50', () => {
  const schedule = new RefitSchedule();
  const fits = Array.from({ length: 12 }, () => {
    schedule.observed(true);
    return schedule.next();
  });
  assert.ok(fits.slice(0, 10).every((f) => f.restart && f.steps === 1000 && f.learningRate === 1e-3));
  assert.deepEqual(fits.slice(10).map((f) => [f.restart, f.steps]), [[false, 50], [false, 50]]);
});

test('60 steps without a new best, or a failed fit, restart from the initial weights', () => {
  const schedule = new RefitSchedule(PAPER_REFIT);
  for (let i = 0; i < 10; i++) schedule.next();
  for (let i = 0; i < 59; i++) schedule.observed(false);
  assert.equal(schedule.next().restart, false);
  schedule.observed(false);
  assert.deepEqual(schedule.next(), { steps: 1000, learningRate: 1e-3, restart: true });
  assert.equal(schedule.next().restart, false, 'the counter starts again after a restart');
  schedule.failed();
  assert.equal(schedule.next().restart, true);
  assert.equal(schedule.next().restart, false);
  assert.equal(schedule.fitCount, 15);
});
