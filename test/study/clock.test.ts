import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealClock, SimulatedClock, type InFlight } from '../../src/study/clock.ts';

const flight = (slot: number, startedAt: number, seconds: number): InFlight<number> => ({
  slot,
  startedAt,
  done: Promise.resolve(seconds),
  seconds: (s) => s,
});

test('a simulated clock moves to the step that finishes first and charges overhead to the slot that asked', async () => {
  const clock = new SimulatedClock();
  clock.chargeOverhead(0.5, 0);
  assert.equal(clock.readyAt(0), 0.5);
  assert.equal(clock.readyAt(1), 0);
  const first = await clock.next([flight(0, clock.readyAt(0), 10), flight(1, clock.readyAt(1), 2.25)]);
  assert.equal(first.step.slot, 1);
  assert.equal(first.finishedAt, 2.25);
  assert.equal(clock.now(), 2.25);
  assert.equal(clock.readyAt(0), 2.25, 'a slot is never ready before the clock');
  const second = await clock.next([flight(0, 0.5, 10)]);
  assert.equal(second.finishedAt, 10.5);
  assert.equal(clock.trainingSeconds, 12.25);
  assert.equal(clock.overheadSeconds, 0.5);
});

test('a simulated clock built without overhead counts training seconds only but still measures overhead', async () => {
  const clock = new SimulatedClock({ countOverhead: false, startAt: 100 });
  clock.chargeOverhead(7, 0);
  assert.equal(clock.readyAt(0), 100);
  await clock.next([flight(0, clock.readyAt(0), 3)]);
  assert.equal(clock.now(), 103);
  assert.equal(clock.overheadSeconds, 7);
});

test('a simulated clock refuses negative or non-finite charges', async () => {
  const clock = new SimulatedClock();
  await assert.rejects(clock.next([flight(0, 0, -1)]), RangeError);
  assert.throws(() => clock.chargeOverhead(Number.NaN, 0), RangeError);
});

test('the real clock follows wall time from its start offset, ignores charges, and returns the step that ends first', async () => {
  const clock = new RealClock(50);
  clock.chargeOverhead(1000, 0);
  const before = clock.now();
  assert.ok(before >= 50 && before < 51);
  assert.ok(Math.abs(clock.readyAt(3) - before) < 0.1);
  const slow: InFlight<string> = { slot: 0, startedAt: before, done: sleep(60).then(() => 'slow'), seconds: () => 0 };
  const fast: InFlight<string> = { slot: 1, startedAt: before, done: sleep(20).then(() => 'fast'), seconds: () => 0 };
  const finished = await clock.next([slow, fast]);
  assert.equal(finished.result, 'fast');
  assert.ok(finished.finishedAt - before >= 0.015);
  const origin = RealClock.fromOrigin(Date.now() - 5000);
  assert.ok(Math.abs(origin.now() - 5) < 0.1);
});
