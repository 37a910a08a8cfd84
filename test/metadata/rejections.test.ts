import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import { fixturePath } from '../helpers/paths.ts';

async function problemsOf(dir: string): Promise<readonly string[]> {
  try {
    await loadMetaDataset(dir);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail(`${dir} loaded, but it should have been rejected`);
}

/** [fixture, the expected `<file>:<line>:<column>` prefix (relative to the fixture), the problem, count]. */
const CASES: readonly (readonly [string, string, RegExp, number])[] = [
  ['missing-file', 'curves.csv', /^file not found/, 1],
  ['missing-column', 'curves.csv:1', /^missing column 'cost_seconds'/, 1],
  ['duplicate-config', 'configs.csv:8:1', /^duplicate config_id 'a2' \(first on line 3\)$/, 1],
  ['unknown-config', 'curves.csv:20:1', /^config_id 'zz' is not in configs\.csv$/, 1],
  ['non-numeric-score', 'curves.csv:3:3', /^score 'abc' is not a number$/, 1],
  ['non-finite', 'curves.csv:3:4', /^cost_seconds 'inf' is not finite$/, 2],
  ['non-finite', 'curves.csv:8:3', /^score 'NaN' is not finite$/, 2],
  ['score-out-of-range', 'curves.csv:4:3', /^score 50 is outside \[0, 1\]/, 1],
  ['negative-cost', 'curves.csv:11:4', /^cost_seconds -30 is negative$/, 1],
  ['epoch-gap', 'curves.csv:12:2', /^config_id 'b1': epoch 3 is missing \(the epochs go from 2 to 4\)$/, 1],
  ['epoch-start', 'curves.csv:6:2', /^config_id 'a2': its epochs start at 2, not 1$/, 1],
  ['duplicate-epoch', 'curves.csv:20:2', /^config_id 'g1': epoch 2 appears twice \(also on line 17\)$/, 1],
  ['epoch-beyond-max', 'curves.csv:20:2', /^epoch 5 is beyond max_epochs 4/, 1],
  ['unknown-dataset', 'configs.csv:6:2', /^dataset 'delta' is not in datasets\.csv$/, 1],
  ['malformed-csv', 'configs.csv:4:3', /^malformed CSV: unexpected "x" after a closing quote$/, 1],
  ['field-count', 'configs.csv:5', /^8 fields, but the header has 9$/, 1],
  ['no-curve', 'configs.csv:3', /^config_id 'a2' has no rows in curves\.csv$/, 1],
  ['bad-manifest', 'metadataset.json', /^max_epochs: .*expected number/, 1],
  ['invalid-json', 'metadataset.json:3:19', /^not valid JSON/, 1],
  ['count-mismatch', 'metadataset.json', /^curve_points is 20, but curves\.csv has 18 rows/, 1],
];

for (const [fixture, where, problem, count] of CASES) {
  test(`rejects ${fixture}: ${where} names the file, line and column`, async () => {
    const dir = fixturePath('metadata', fixture);
    const problems = await problemsOf(dir);
    const prefix = `${join(dir, where)}: `;
    const line = problems.find((p) => p.startsWith(prefix));
    assert.ok(line !== undefined, `no problem starts with ${prefix}; got:\n${problems.join('\n')}`);
    assert.match(line.slice(prefix.length), problem);
    assert.equal(problems.length, count, `one bad cell must not cascade into more problems:\n${problems.join('\n')}`);
  });
}

test('a missing folder is one line naming the path as given', async () => {
  const problems = await problemsOf('no/such/meta-dataset');
  assert.deepEqual(problems, ['no/such/meta-dataset: meta-dataset folder not found']);
});

test('many problems are listed up to the cap, the rest counted on a last line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-cap-'));
  try {
    await cp(fixturePath('metadata', 'valid'), dir, { recursive: true });
    await writeFile(join(dir, 'metadataset.json'), '{"name": "cap", "max_epochs": 4}');
    const extra = Array.from({ length: 30 }, (_, i) => `ghost${i},1,0.5,1\n`).join('');
    await writeFile(join(dir, 'curves.csv'), `config_id,epoch,score,cost_seconds\na1,1,0.2,1\na2,1,0.1,1\na3,1,0.4,1\nb1,1,0.1,1\nb2,1,0.1,1\ng1,1,0.1,1\n${extra}`);
    const problems = await problemsOf(dir);
    assert.equal(problems.length, 21);
    assert.equal(problems[0], `${join(dir, 'curves.csv')}:8:1: config_id 'ghost0' is not in configs.csv`);
    assert.equal(problems[20], '... and 10 more problems');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
