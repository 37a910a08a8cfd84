import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealClock, SimulatedClock } from '../../src/study/clock.ts';

test('a simulated clock adds training seconds and the optimizer overhead', () => {
  const clock = new SimulatedClock();
  clock.advance(10);
  clock.chargeOverhead(0.5);
  clock.advance(2.25);
  assert.equal(clock.now(), 12.75);
  assert.equal(clock.trainingSeconds, 12.25);
  assert.equal(clock.overheadSeconds, 0.5);
});

test('a simulated clock built without overhead counts training seconds only but still measures overhead', () => {
  const clock = new SimulatedClock({ countOverhead: false, startAt: 100 });
  clock.advance(3);
  clock.chargeOverhead(7);
  assert.equal(clock.now(), 103);
  assert.equal(clock.overheadSeconds, 7);
});

test('a simulated clock refuses negative or non-finite charges', () => {
  const clock = new SimulatedClock();
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.chargeOverhead(Number.NaN), RangeError);
});

test('the real clock follows wall time from its start offset and ignores charges', async () => {
  const clock = new RealClock(50);
  clock.advance(1000);
  clock.chargeOverhead(1000);
  const before = clock.now();
  assert.ok(before >= 50 && before < 51);
  await sleep(30);
  assert.ok(clock.now() - before >= 0.02);
});
