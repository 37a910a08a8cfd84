import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIncumbent } from '../../src/report/render-report.ts';
import { incumbentOf, reportJson, summarizeRun } from '../../src/report/run-summary.ts';
import { parseSpace } from '../../src/space/index.ts';
import type { StudySnapshot } from '../../src/storage/types.ts';
import { failedStep, FIXTURE_POOL, fixtureIdentity, okStep } from '../helpers/run-fixture.ts';

function runOf(steps: StudySnapshot['steps']): StudySnapshot {
  return {
    location: '/runs/x/journal.jsonl',
    header: { ...fixtureIdentity(), quicktune: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z', budget: {} },
    pool: FIXTURE_POOL,
    space: undefined,
    steps,
    running: [],
    expired: [],
    sessions: [],
    budget: {},
    elapsedSeconds: steps.at(-1)?.finishedAt ?? 0,
    lastActivityAt: undefined,
    warnings: [],
  };
}

test('the incumbent is the best score at any epoch; the earliest wins a tie; failed steps never count', () => {
  const configs = new Map(FIXTURE_POOL.map((p) => [p.id, p.config]));
  const steps = [okStep('p-alpha', 1, 0.5, 1), okStep('p-beta', 1, 0.7, 2), okStep('p-alpha', 2, 0.7, 3), failedStep('p-gamma', 1, 4), okStep('p-beta', 2, 0.6, 5)];
  assert.deepEqual(incumbentOf(steps, configs), { configId: 'p-beta', score: 0.7, epoch: 1, config: FIXTURE_POOL[1]?.config });
  assert.equal(incumbentOf([failedStep('p-gamma', 1, 4)], configs), undefined);
});

test('the summary groups steps per model and orders curves and models best first', () => {
  const run = runOf([okStep('p-alpha', 1, 0.5, 1), okStep('p-beta', 1, 0.4, 2), okStep('p-alpha', 2, 0.8, 3, true), failedStep('p-gamma', 1, 4)]);
  const summary = summarizeRun(run);
  assert.equal(summary.steps, 4);
  assert.equal(summary.failed, 1);
  assert.deepEqual(summary.models.map((m) => [m.model, m.pipelines, m.steps, m.failed, m.best]), [
    ['net_a', 2, 3, 1, 0.8],
    ['net_b', 1, 1, 0, 0.4],
  ]);
  assert.deepEqual(summary.curves.map((c) => [c.configId, c.state, c.scores.length]), [
    ['p-alpha', 'finished', 2],
    ['p-beta', 'paused', 1],
    ['p-gamma', 'failed', 0],
  ]);
  const json = reportJson(run, summary);
  assert.deepEqual(Object.keys(json), ['incumbent', 'steps']);
  assert.deepEqual(json.incumbent, { config_id: 'p-alpha', config: FIXTURE_POOL[0]?.config, score: 0.8, epoch: 2 });
});

test('with the space known, the incumbent lists only its active hyperparameters', () => {
  const parsed = parseSpace(
    'parameters:\n  model: { type: categorical, choices: [m] }\n  opt: { type: categorical, choices: [sgd, adam] }\n  momentum: { type: ordinal, values: [0.5, 0.9], when: { opt: sgd }, inactive: 0.9 }\n',
    's.yaml',
  );
  assert.ok(parsed.ok);
  const incumbent = { configId: 'c', config: { model: 'm', opt: 'adam', momentum: 0.9 }, score: 0.5, epoch: 1 };
  assert.match(formatIncumbent(incumbent), /momentum/);
  assert.doesNotMatch(formatIncumbent(incumbent, parsed.space), /momentum/);
  assert.match(formatIncumbent({ ...incumbent, config: { model: 'm', opt: 'sgd', momentum: 0.5 } }, parsed.space), /momentum\s+0\.5/);
});
