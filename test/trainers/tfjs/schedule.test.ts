import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialPlateau, learningRate, observePlateau } from '../../../src/trainers/tfjs/schedule.ts';
import { parseSettings } from '../../../src/trainers/tfjs/settings.ts';

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('warmup rises linearly from warmup_lr, then cosine decays to the minimum over T epochs', () => {
  const s = parseSettings({ model: 'm', lr: 0.01, sched: 'cosine', warmup_lr: 0.001, warmup_epochs: 2 });
  const p = initialPlateau();
  close(learningRate(s, 0, 10, p), 0.001);
  close(learningRate(s, 1, 10, p), 0.0055);
  close(learningRate(s, 5, 10, p), 1e-6 + 0.5 * (0.01 - 1e-6));
  close(learningRate(s, 10, 10, p), 1e-6);
});

test('step decays every decay_epochs; multistep once at decay_epochs; none stays constant without warmup', () => {
  const step = parseSettings({ model: 'm', lr: 0.1, sched: 'step', decay_rate: 0.5, decay_epochs: 10 });
  const multi = parseSettings({ model: 'm', lr: 0.1, sched: 'multistep', decay_rate: 0.5, decay_epochs: 10 });
  const none = parseSettings({ model: 'm', lr: 0.1, sched: 'none', warmup_epochs: 5 });
  const p = initialPlateau();
  close(learningRate(step, 9, 50, p), 0.1);
  close(learningRate(step, 25, 50, p), 0.025);
  close(learningRate(multi, 25, 50, p), 0.05);
  close(learningRate(multi, 45, 50, p), 0.05);
  close(learningRate(none, 0, 50, p), 0.1);
});

test('plateau decays after patience epochs without improvement and remembers its state', () => {
  const s = parseSettings({ model: 'm', lr: 0.1, sched: 'plateau', patience_epochs: 2, decay_rate: 0.1 });
  let state = initialPlateau();
  const scores = [0.5, 0.6, 0.6, 0.59, 0.6, 0.58];
  scores.forEach((score, t) => (state = observePlateau(s, t, score, state)));
  // best 0.6 at t=1; t=2,3,4 are bad: the third bad epoch (> patience 2) decays and resets; t=5 is bad again.
  assert.equal(state.best, 0.6);
  assert.equal(state.badEpochs, 1);
  close(state.factor, 0.1);
  close(learningRate(s, 6, 50, state), 0.01);
});
