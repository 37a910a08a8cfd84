import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { datasetSearchSettings, timestampName } from '../../src/search/search-settings.ts';

const base = { dataset: 'imgs', trainer: 'command', trainerCmd: 'python3 t.py', budget: '1h', seed: '0', method: 'asha' };

test('the flags of search --dataset become settings; defaults as in docs/cli.md', () => {
  const settings = datasetSearchSettings({ ...base, maxSteps: '12', runDir: 'runs/a', budget: '15m' }, { QUICKTUNE_STEP_TIMEOUT: '30m', QUICKTUNE_MAX_EPOCHS: '20' });
  assert.equal(settings.dataset, resolve('imgs'));
  assert.equal(settings.runDir, resolve('runs/a'));
  assert.equal(settings.budgetSeconds, 900);
  assert.equal(settings.maxSteps, 12);
  assert.equal(settings.stepTimeoutSeconds, 1800);
  assert.equal(settings.maxEpochs, 20);
  assert.equal(settings.resume, false);
  const defaults = datasetSearchSettings({ dataset: 'imgs' }, {});
  assert.equal(defaults.trainer, 'tfjs');
  assert.equal(defaults.method, 'quicktune');
  assert.equal(defaults.budgetSeconds, 3600);
  assert.match(defaults.runDir, /\.quicktune[\\/]runs[\\/]\d{8}-\d{6}$/);
  assert.equal(timestampName(new Date(2026, 0, 2, 3, 4, 5)), '20260102-030405');
});

test('every flag problem is reported at once, one line each, naming the flag', () => {
  assert.throws(
    () => datasetSearchSettings({ dataset: '', resume: true, trainer: 'tfjs', trainerCmd: 'x', task: 'BRD', budget: 'soon', seed: '-1', maxSteps: '0' }, { QUICKTUNE_STEP_TIMEOUT: 'forever' }),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.deepEqual(error.problems.map((p) => p.split(':')[0]), [
        '--task only applies to a replay (--metadataset, or --trainer replay); this is a search on an image folder',
        '--dataset',
        '--resume needs --run-dir DIR (the run to continue)',
        "--trainer-cmd only applies to --trainer command (this search uses 'tfjs')",
        '--budget',
        '--max-steps',
        '--seed',
        'QUICKTUNE_STEP_TIMEOUT',
      ]);
      return true;
    },
  );
  assert.throws(() => datasetSearchSettings({ ...base, trainerCmd: undefined }, {}), /--trainer command needs --trainer-cmd/);
});
