import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadModelHub } from '../../../src/hub/model-hub.ts';
import { buildPool, configId, configInSpace, loadSpace } from '../../../src/space/index.ts';
import { TRAINERS } from '../../../src/trainers/index.ts';
import { parseSettings } from '../../../src/trainers/tfjs/settings.ts';
import { shippedMetadataPath } from '../../../src/util/package-info.ts';
import { realMetadataset } from '../../helpers/paths.ts';

const SPACE = shippedMetadataPath('search-space-tfjs.yaml');

test('the tfjs search space names the tfjs models of the hub and only settings the trainer honours', async () => {
  const space = await loadSpace(SPACE);
  const hub = await loadModelHub();
  const model = space.parameters.find((p) => p.name === 'model');
  assert.ok(model && model.domain.kind === 'categorical');
  const tfjsModels = hub.models.filter((m) => m.source.kind !== 'timm').map((m) => m.name).sort();
  assert.deepEqual([...model.domain.choices].sort(), tfjsModels);
  const pool = buildPool(space, { seed: 3 });
  assert.equal(pool.length, 401, 'the pinned default pipeline and 400 sampled ones');
  for (const { config } of pool) assert.deepEqual(parseSettings(config).ignored, [], JSON.stringify(config));
});

test("the tfjs trainer's default config is a complete config of its shipped space", async () => {
  const definition = TRAINERS.get('tfjs');
  const config = definition?.defaultConfig;
  assert.ok(config && definition.defaultSpace);
  const space = await loadSpace(definition.defaultSpace);
  assert.deepEqual(Object.keys(config).sort(), space.parameters.map((p) => p.name).sort(), 'every parameter is given');
  assert.ok(configInSpace(space, config), JSON.stringify(config));
  // Pinned in the space, so every pool holds it under the same id (the `default` method runs it).
  assert.deepEqual(buildPool(space, { seed: 11 })[0], { id: configId(config), config: space.pinned[0] });
  assert.deepEqual(space.pinned[0], config);
  const settings = parseSettings(config);
  assert.deepEqual(settings.ignored, []);
  assert.deepEqual(
    { model: settings.model, pct: settings.pctToFreeze, opt: settings.opt, lr: settings.lr, batch: settings.batchSize, aug: settings.augmentation, mixup: settings.mixup, cutmix: settings.cutmix },
    { model: 'mobilenet_v2_100_nsfwjs', pct: 1, opt: 'adam', lr: 0.001, batch: 32, aug: 'none', mixup: 0, cutmix: 0 },
  );
});

const real = realMetadataset();

test('the tfjs space uses the meta-dataset columns, and every non-model value occurs in its column', { skip: real.skip }, async () => {
  const rows: Record<string, string>[] = parse(await readFile(join(real.dir, 'configs.csv'), 'utf8'), { columns: true });
  const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== 'config_id' && c !== 'dataset');
  const space = await loadSpace(SPACE);
  assert.deepEqual(space.parameters.map((p) => p.name).sort(), [...columns].sort());
  const seen = new Map(columns.map((c) => [c, new Set(rows.map((r) => r[c] ?? ''))]));
  const matches = (cells: Set<string>, value: unknown): boolean =>
    [...cells].some((cell) => cell === String(value) || (typeof value === 'number' && cell !== '' && Number(cell) === value));
  const missing = new Set<string>();
  for (const { config } of buildPool(space, { seed: 1 })) {
    for (const [name, value] of Object.entries(config)) {
      if (name !== 'model' && !matches(seen.get(name) ?? new Set(), value)) missing.add(`${name}=${JSON.stringify(value)}`);
    }
  }
  assert.deepEqual([...missing], []);
});
