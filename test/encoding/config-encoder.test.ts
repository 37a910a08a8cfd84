import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigEncoder } from '../../src/encoding/config-encoder.ts';
import { InputError } from '../../src/errors.ts';
import { loadModelHub, type ModelHub } from '../../src/hub/model-hub.ts';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import type { MetaDataset } from '../../src/metadata/types.ts';
import type { Config } from '../../src/space/types.ts';
import { fixturePath } from '../helpers/paths.ts';

const meta: MetaDataset = await loadMetaDataset(fixturePath('metadata', 'valid'));
const hub: ModelHub = await loadModelHub();
const encoder = ConfigEncoder.fit(meta, hub);

function configOf(id: string): Config {
  const run = meta.config(id);
  assert.ok(run !== undefined, id);
  return { model: run.model, ...run.values };
}

/** Population mean and std of ln(v + offset), as docs/encoding.md states the standardization. */
function logStats(values: readonly number[], offset = 0): { mean: number; std: number } {
  const t = values.map((v) => Math.log(v + offset));
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  return { mean, std: Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length) };
}

function close(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)) < 1e-5, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('the encoding has a model part (one-hot + descriptors) and a hyperparameter part, named column by column', () => {
  const names = encoder.columnNames();
  assert.deepEqual(names.model.slice(0, 3), ['model=dla46x_c', 'model=edgenext_small', 'model=mobilevit_xxs']);
  assert.deepEqual(names.hyperparameters, [
    'opt=adam', 'opt=adamw', 'opt=momentum', 'opt=sgd',
    'log(lr)',
    'log(weight_decay)', 'weight_decay:missing',
    'log(clip_grad)', 'clip_grad:missing',
    'log(batch_size)',
    'sched=cosine', 'sched=step', 'sched:missing',
  ]);
  assert.deepEqual(names.metaFeatures, ['log1p(num_samples)', 'log1p(num_classes)', 'log1p(image_size)', 'log1p(num_channels)', 'domain=medical', 'domain=nature', 'domain:missing']);
  const families = new Set(hub.models.map((m) => m.family)).size;
  assert.deepEqual(encoder.dims, { modelOneHot: 3, model: 3 + 4 + families + 3 + 1, hyperparameters: 13, pipeline: 3 + 4 + families + 3 + 1 + 13, metaFeatures: 7 });
});

test('hyperparameters encode to the known vector: one-hots, logs, sentinel as missing, standardized', () => {
  const lr = logStats([0.001, 0.01, 1e-5, 1e-4, 0.1, 0.001]);
  const wd = logStats([0, 1e-4, 1e-2, 1e-5, 0.1], 1e-6);
  const batch = logStats([32, 64, 8, 16, 128, 2]);
  // a1: adam, lr 0.001, weight_decay 0 (offset log), clip_grad -1 (the sentinel: missing), batch 32, cosine
  close(encoder.encodeHyperparameters(configOf('a1')), [
    1, 0, 0, 0,
    (Math.log(0.001) - lr.mean) / lr.std,
    (Math.log(1e-6) - wd.mean) / wd.std, 0,
    0, 1,
    (Math.log(32) - batch.mean) / batch.std,
    1, 0, 0,
  ], 'a1');
  // g1: momentum, weight_decay missing, clip_grad 10 (ln 1 and ln 10 standardize to -1 and +1), batch 2
  close(encoder.encodeHyperparameters(configOf('g1')), [
    0, 0, 1, 0,
    (Math.log(0.001) - lr.mean) / lr.std,
    0, 1,
    1, 0,
    (Math.log(2) - batch.mean) / batch.std,
    1, 0, 0,
  ], 'g1');
  // a2: no scheduler (missing) sets the sched indicator
  assert.deepEqual([...encoder.encodeHyperparameters(configOf('a2')).slice(10)], [0, 0, 1]);
});

test('a pipeline vector is the model part followed by the hyperparameter part', () => {
  const config = configOf('b2');
  const pipeline = encoder.encodePipeline(config);
  assert.deepEqual([...pipeline.slice(0, encoder.dims.model)], [...encoder.encodeModel('dla46x_c')]);
  assert.deepEqual([...pipeline.slice(encoder.dims.model)], [...encoder.encodeHyperparameters(config)]);
  const all = encoder.encodePipelines([configOf('a1'), config]);
  assert.deepEqual([...all.slice(encoder.dims.pipeline)], [...pipeline]);
});

test('model descriptors are standardized over the meta-dataset models; families and architectures one-hot', () => {
  const names = encoder.columnNames().model;
  const v = encoder.encodeModel('edgenext_small');
  const params = logStats([1.1, 5.6, 1.3]);
  const at = (name: string): number => v[names.indexOf(name)] ?? NaN;
  assert.deepEqual([...v.slice(0, 3)], [0, 1, 0]);
  assert.ok(Math.abs(at('model:log_params') - (Math.log(5.6) - params.mean) / params.std) < 1e-5);
  assert.equal(at('model:family=edgenext'), 1);
  assert.equal(at('model:architecture=hybrid'), 1);
  assert.equal(at('model:no_descriptor'), 0);
  assert.equal(v.reduce((a, b) => a + (b === 1 ? 1 : 0), 0), 3);
});

test('a hub model absent from the meta-dataset gets an all-zero one-hot but real descriptors', () => {
  const names = encoder.columnNames().model;
  const v = encoder.encodeModel('volo_d1_384');
  const params = logStats([1.1, 5.6, 1.3]);
  assert.deepEqual([...v.slice(0, 3)], [0, 0, 0]);
  assert.ok(Math.abs((v[names.indexOf('model:log_params')] ?? NaN) - (Math.log(26.8) - params.mean) / params.std) < 1e-5);
  assert.equal(v[names.indexOf('model:family=volo')], 1);
  assert.equal(v[names.indexOf('model:architecture=vit')], 1);
  assert.equal(v[names.indexOf('model:no_descriptor')], 0);
});

test('a model in neither gets fill values and the no-descriptor indicator; a later hub can describe it', () => {
  const names = encoder.columnNames().model;
  const v = encoder.encodeModel('my_net');
  assert.equal(v[names.indexOf('model:no_descriptor')], 1);
  assert.equal(v[names.indexOf('model:imagenet_top1:missing')], 1);
  assert.equal(v[names.indexOf('model:log_params')], 0);
  const custom: ModelHub = {
    models: [
      { name: 'my_net', family: 'resnet', architecture: 'cnn', params_m: 11.7, input_size: 224, imagenet_top1: null, source: { kind: 'timm', id: 'resnet18' } },
      { name: 'dla46x_c', family: 'dla', architecture: 'cnn', params_m: 999, input_size: 999, imagenet_top1: 1, source: { kind: 'timm', id: 'dla46x_c' } },
    ],
  };
  const restored = ConfigEncoder.fromJSON(JSON.parse(JSON.stringify(encoder)), { hub: custom });
  const described = restored.encodeModel('my_net');
  assert.equal(described[names.indexOf('model:no_descriptor')], 0);
  assert.equal(described[names.indexOf('model:architecture=cnn')], 1);
  assert.equal(described[names.indexOf('model:imagenet_top1:missing')], 1);
  assert.deepEqual([...restored.encodeModel('dla46x_c')], [...encoder.encodeModel('dla46x_c')], 'saved descriptors win over a later hub');
});

test('save -> JSON -> restore encodes every configuration and meta-feature record identically', () => {
  const text = JSON.stringify(encoder);
  const restored = ConfigEncoder.fromJSON(JSON.parse(text));
  assert.deepEqual(restored.dims, encoder.dims);
  assert.deepEqual(restored.toJSON(), encoder.toJSON());
  for (const task of meta.tasks.values()) {
    assert.deepEqual([...restored.encodeMetaFeatures(task.metaFeatures)], [...encoder.encodeMetaFeatures(task.metaFeatures)]);
    for (const run of task.configs) {
      const config = { model: run.model, ...run.values };
      assert.deepEqual([...restored.encodePipeline(config)], [...encoder.encodePipeline(config)], run.id);
    }
  }
  assert.equal(restored.source.contentHash, meta.contentHash);
});

test('a damaged state is refused with an InputError naming its origin and the field', () => {
  const state = encoder.toJSON();
  const broken = { ...state, hyperparameters: [{ ...state.hyperparameters[1], stats: { mean: 0, std: 0 } }] };
  assert.throws(() => ConfigEncoder.fromJSON(broken, { label: 'ckpt/predictor.json' }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.problems[0] ?? '', /^ckpt\/predictor\.json: encoder\.hyperparameters\.0\.stats\.std: /);
    return true;
  });
});

test('meta-features: log1p then standardize; a constant column divides by 1; a categorical is one-hot', () => {
  const samples = [1000, 5000, 200].map((v) => Math.log1p(v));
  const mean = samples.reduce((a, b) => a + b, 0) / 3;
  const std = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
  const beta = encoder.encodeMetaFeatures({ num_samples: 5000, num_classes: 50, image_size: 224, num_channels: 3, domain: null });
  assert.ok(Math.abs((beta[0] ?? NaN) - (Math.log1p(5000) - mean) / std) < 1e-5);
  assert.ok(Math.abs((beta[2] ?? NaN) - (Math.log1p(224) - Math.log1p(128))) < 1e-5);
  assert.equal(beta[3], 0);
  assert.deepEqual([...beta.slice(4)], [0, 0, 1]);
  assert.deepEqual([...encoder.encodeMetaFeatures({ num_samples: 1, num_classes: 1, image_size: 1, num_channels: 1, domain: 'nature' }).slice(4)], [0, 1, 0]);
});

test('options: without the sentinel, -1 is a value (no log); without indicators, no missing columns', () => {
  const plain = ConfigEncoder.fit(meta, hub, { sentinels: {}, indicators: false });
  const names = plain.columnNames().hyperparameters;
  assert.ok(names.includes('clip_grad'));
  assert.ok(!names.some((name) => name.endsWith(':missing')));
  const state = plain.toJSON().hyperparameters.find((spec) => spec.name === 'clip_grad');
  assert.equal(state?.kind === 'numeric' ? state.transform : undefined, 'identity');
  const excluded = ConfigEncoder.fit(meta, hub, { exclude: ['sched'], noLog: ['lr'], categorical: ['batch_size'] });
  assert.ok(!excluded.hyperparameterNames.includes('sched'));
  assert.ok(excluded.columnNames().hyperparameters.includes('lr'));
  assert.ok(excluded.columnNames().hyperparameters.includes('batch_size=128'));
});

test('values match categories by number too, and booleans count as 0/1', () => {
  const forced = ConfigEncoder.fit(meta, hub, { categorical: ['clip_grad'] });
  const at = forced.columnNames().hyperparameters.indexOf('clip_grad=10');
  assert.equal(forced.encodeHyperparameters({ clip_grad: '10.0' })[at], 1);
  assert.equal(forced.encodeHyperparameters({ clip_grad: 10 })[at], 1);
  assert.deepEqual(encoder.checkCompatible([{ model: 'dla46x_c', opt: 'adam', lr: true, weight_decay: '0.01', clip_grad: -1.0, batch_size: 8, sched: 'step' }]), []);
});

test('checkCompatible reports unknown parameters and categories as fatal, absent ones and unknown models not', () => {
  const problems = encoder.checkCompatible([
    { model: 'dla46x_c', opt: 'lion', lr: 'fast', weight_decay: null, clip_grad: -1, batch_size: 8, foo: 1 },
    { model: 'my_net', opt: 'lion', lr: 0.1, weight_decay: 0, clip_grad: 1, batch_size: 8, foo: 2 },
  ]);
  const summary = problems.map((p) => `${p.kind}:${p.parameter}:${String(p.value)}:${p.fatal}`);
  assert.deepEqual(summary.sort(), [
    'absentParameter:sched:undefined:false',
    'notNumeric:lr:fast:true',
    'unknownCategory:opt:lion:true',
    'unknownModel:model:my_net:false',
    'unknownParameter:foo:undefined:true',
  ]);
  assert.match(problems.find((p) => p.kind === 'unknownCategory')?.message ?? '', /^opt: value 'lion' never occurs in meta-dataset 'tiny' \(known: adam, adamw, momentum, sgd\)$/);
  const fromSpace = encoder.checkCompatible([
    { name: 'model', values: ['dla46x_c', 'volo_d1_384'] },
    { name: 'opt', values: ['adam', 'sgd'] },
    { name: 'lr', values: [1e-5, 0.1] },
    { name: 'weight_decay', values: [0, 0.1] },
    { name: 'clip_grad', values: [-1, 1, 10] },
    { name: 'batch_size', values: [2, 256] },
    { name: 'sched', values: ['cosine', 'plateau', null] },
  ]);
  assert.deepEqual(fromSpace.map((p) => `${p.kind}:${p.parameter}:${String(p.value)}`), ['unknownCategory:sched:plateau']);
});
