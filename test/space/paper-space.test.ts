import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadModelHub } from '../../src/hub/model-hub.ts';
import { buildPool, loadSpace } from '../../src/space/index.ts';
import { realMetadataset } from '../helpers/paths.ts';

test('the shipped paper space parses: the 24 timm models of the hub, 400 configurations per pool', async () => {
  const space = await loadSpace();
  const hub = await loadModelHub();
  const model = space.parameters.find((p) => p.name === 'model');
  assert.ok(model && model.domain.kind === 'categorical');
  // NOTE: the hub also lists tfjs models (for the tfjs trainer's own space); the paper space has the timm ones.
  assert.deepEqual([...model.domain.choices].sort(), hub.models.filter((m) => m.source.kind === 'timm').map((m) => m.name).sort());
  assert.equal(model.domain.choices.length, 24);
  assert.equal(buildPool(space, { seed: 0 }).length, 400);
});

const real = realMetadataset();

test('the paper space uses exactly the meta-dataset columns, and every pooled value occurs in its column', { skip: real.skip }, async () => {
  const rows: Record<string, string>[] = parse(await readFile(join(real.dir, 'configs.csv'), 'utf8'), { columns: true });
  const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== 'config_id' && c !== 'dataset');
  const space = await loadSpace();
  assert.deepEqual(space.parameters.map((p) => p.name).sort(), [...columns].sort());
  // A CSV cell matches a config value when it is the same string, or the same number ("1.0" vs 1).
  const seen = new Map(columns.map((c) => [c, new Set(rows.map((r) => r[c] ?? ''))]));
  const matches = (cells: Set<string>, value: unknown): boolean =>
    [...cells].some((cell) => cell === String(value) || (typeof value === 'number' && cell !== '' && Number(cell) === value));
  const pool = buildPool(space, { seed: 1 });
  const missing = new Set<string>();
  for (const { config } of pool) {
    for (const [name, value] of Object.entries(config)) {
      const cells = seen.get(name);
      assert.ok(cells, `unknown column ${name}`);
      if (!matches(cells, value)) missing.add(`${name}=${JSON.stringify(value)}`);
    }
  }
  assert.deepEqual([...missing], []);
  // Types follow the data: numeric columns get numbers, categorical ones strings.
  const first: Readonly<Record<string, unknown>> = pool[0]?.config ?? {};
  for (const name of columns) {
    const numeric = [...(seen.get(name) ?? [])].every((cell) => cell !== '' && Number.isFinite(Number(cell)));
    assert.equal(typeof first[name], numeric ? 'number' : 'string', name);
  }
});
