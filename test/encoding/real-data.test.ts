import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigEncoder } from '../../src/encoding/config-encoder.ts';
import { loadModelHub } from '../../src/hub/model-hub.ts';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import { buildPool, loadSpace } from '../../src/space/index.ts';
import type { ParamValue } from '../../src/space/types.ts';
import { realMetadataset } from '../helpers/paths.ts';

const real = realMetadataset();

test('the encoder fitted on quicktune-extended encodes all its runs and the shipped search space', { skip: real.skip }, async (t) => {
  const meta = await loadMetaDataset(real.dir);
  const hub = await loadModelHub();
  const started = performance.now();
  const encoder = ConfigEncoder.fit(meta, hub);
  const configs = [...meta.tasks.values()].flatMap((task) => task.configs).map((run) => ({ model: run.model, ...run.values }));
  const matrix = encoder.encodePipelines(configs);
  t.diagnostic(`fit + encode ${configs.length} runs: ${(performance.now() - started).toFixed(0)} ms; dims ${JSON.stringify(encoder.dims)}`);
  assert.equal(encoder.dims.modelOneHot, 24);
  assert.equal(encoder.dims.metaFeatures, 4);
  assert.ok(matrix.every(Number.isFinite));
  assert.deepEqual(encoder.checkCompatible(configs), []);
  const transforms = Object.fromEntries(encoder.toJSON().hyperparameters.map((spec) => [spec.name, spec.kind === 'numeric' ? spec.transform : 'one-hot']));
  for (const name of ['lr', 'weight_decay', 'warmup_lr', 'bss_reg', 'sp_reg', 'delta_reg']) assert.equal(transforms[name], 'log', name);
  assert.equal(transforms.opt, 'one-hot');
  const names = encoder.columnNames().hyperparameters;
  assert.ok(names.includes('clip_grad:missing') && names.includes('layer_decay:missing'), 'the -1 sentinels are missing values');

  const space = await loadSpace();
  const pool = buildPool(space, { seed: 0, size: 400 });
  const fatal = encoder.checkCompatible(pool.map((p) => p.config)).filter((p) => p.fatal);
  assert.deepEqual(fatal, [], 'the shipped space must fit the encoding of the data it is meant for');
  const fromSpace = encoder.checkCompatible(space.parameters.map((p) => ({ name: p.name, values: domainValues(p.domain) })));
  assert.deepEqual(fromSpace.filter((p) => p.fatal), []);
});

function domainValues(domain: (Awaited<ReturnType<typeof loadSpace>>)['parameters'][number]['domain']): ParamValue[] {
  if (domain.kind === 'categorical') return [...domain.choices];
  if (domain.kind === 'ordinal') return [...domain.values];
  return [domain.low, domain.high];
}
