import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrainerError } from '../../../src/errors.ts';
import { parseSettings } from '../../../src/trainers/tfjs/settings.ts';

test('configs in the meta-dataset conventions are read with their none sentinels', () => {
  const s = parseSettings({
    model: 'm', lr: 0.0005, batch_size: 8, opt: 'adamw', opt_betas: '[0.0, 0.99]', clip_grad: -1, layer_decay: 0.75,
    sched: 'step', decay_rate: 0.5, decay_epochs: 10, data_augmentation: 'None', auto_augment: 'None',
    linear_probing: 0, amp: 0, stoch_norm: 0, bss_reg: 0, delta_reg: 0, cotuning_reg: 0, sp_reg: 0.01,
  });
  assert.equal(s.opt, 'adamw');
  assert.deepEqual(s.betas, [0, 0.99]);
  assert.equal(s.clipGrad, null);
  assert.equal(s.layerDecay, 0.75);
  assert.equal(s.augmentation, 'none');
  assert.equal(s.spReg, 0.01);
  assert.deepEqual(s.ignored, []);
});

test('paper-style values are read too ("0.9 0.999", none strings)', () => {
  const s = parseSettings({ model: 'm', opt: 'adam', opt_betas: '0.9 0.999', clip_grad: 'none', layer_decay: 'none', sched: 'none' });
  assert.deepEqual(s.betas, [0.9, 0.999]);
  assert.equal(s.clipGrad, null);
  assert.equal(s.layerDecay, null);
  assert.equal(s.sched, 'none');
});

test('settings the trainer cannot honour are listed as ignored, never dropped silently', () => {
  const s = parseSettings({ model: 'm', stoch_norm: 1, bss_reg: 0.01, amp: true, data_augmentation: 'auto_augment', auto_augment: 'v0', frobnicate: 3, sched: 'none', warmup_epochs: 5 });
  const text = s.ignored.join('\n');
  for (const key of ['stoch_norm', 'bss_reg', 'amp', 'auto_augment', 'frobnicate', 'warmup_epochs']) assert.match(text, new RegExp(key));
  assert.equal(s.augmentation, 'none');
});

test('invalid values reject the step with a TrainerError naming each parameter', () => {
  assert.throws(
    () => parseSettings({ model: 'm', lr: -1, batch_size: 2.5, opt: 'lion', opt_betas: 'x' }),
    (error: unknown) => {
      assert.ok(error instanceof TrainerError);
      for (const key of ['lr', 'batch_size', 'opt', 'opt_betas']) assert.match(error.message, new RegExp(`${key}:`));
      return true;
    },
  );
});
