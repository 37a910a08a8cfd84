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

test('with a budget, Adam steps are limited to the credit earned from observed training time', () => {
  const schedule = new RefitSchedule({
    ...PAPER_REFIT,
    budget: { share: 0.01, initialCredit: 1, stepCost: [0.01, 0, 0], minRestartFraction: 0.25 },
  });
  // NOTE: 1 s of credit at 10 ms per step pays 100 steps of the first (1000-step) restart.
  assert.deepEqual(schedule.next(5), { steps: 100, learningRate: 1e-3, restart: true });
  assert.equal(schedule.next(5).steps, 0, 'no credit left: the fit only conditions the GP');
  schedule.observed(true, 300);
  assert.equal(schedule.next(6).steps, 300, '1% of 300 s pays 3 s = 300 steps');
  for (let i = 0; i < 8; i++) schedule.next(6);
  schedule.observed(true, 10_000);
  assert.deepEqual(schedule.next(7), { steps: 50, learningRate: 1e-3, restart: false });
  assert.ok(Math.abs(schedule.remainingCredit - 99.5) < 1e-9);
});

test('a restart that the budget cannot pay for is postponed, and the fit continues instead', () => {
  const schedule = new RefitSchedule({
    ...PAPER_REFIT,
    initialFits: 0,
    budget: { share: 1, initialCredit: 0, stepCost: [0, 0, 0.001], minRestartFraction: 0.5 },
  });
  schedule.failed();
  // NOTE: at n = 10 a step costs 0.1 s; 20 s of credit pays 200 steps, less than half of a 1000-step restart.
  schedule.observed(true, 20);
  assert.deepEqual(schedule.next(10), { steps: 50, learningRate: 1e-3, restart: false });
  schedule.observed(true, 100);
  assert.deepEqual(schedule.next(10), { steps: 1000, learningRate: 1e-3, restart: true }, 'the postponed restart happens once paid for');
});
