import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { findEpochCheckpoint } from '../../src/dashboard/checkpoint-path.ts';
import type { FollowedStudy } from '../../src/dashboard/study-follower.ts';
import { StudyView } from '../../src/dashboard/study-view.ts';
import type { DeltaMessage, SnapshotMessage } from '../../src/dashboard/view/protocol.ts';
import { StudyModel } from '../../src/dashboard/view/study-model.ts';
import { reportJson, summarizeRun } from '../../src/report/run-summary.ts';
import type { Study } from '../../src/study/study.ts';
import { tempDir } from '../helpers/image-folder.ts';
import { finish, fixtureStudy } from './helpers/fixture-study.ts';

function followed(study: Study): FollowedStudy {
  return { snapshot: study.snapshot(), lastSeen: new Map(), problem: undefined };
}

/** What the page receives: the message after a trip through JSON. */
function wire<T>(message: T): T {
  return JSON.parse(JSON.stringify(message)) as T;
}

test('the snapshot a page gets rebuilds the study as report sees it: counts, incumbent (earliest on ties), models, workers', async () => {
  const fixture = await fixtureStudy();
  const view = new StudyView({ artifacts: undefined });
  await view.update(followed(fixture.study));
  const snapshot = wire(view.snapshot());
  assert.deepEqual(snapshot.cursor, { steps: 6, expired: 1 });
  assert.equal(snapshot.pool.length, fixture.pool.length, "the 10 drawn and the 2 pinned configurations");
  assert.equal(fixture.pool.length, 12);
  for (const [i, pipeline] of snapshot.pool.entries()) {
    const config = fixture.pool[i]?.config;
    assert.ok(config);
    assert.equal(pipeline.model, config.model);
    // NOTE: inactive hyperparameters (beta1 without adam, momentum without sgd) are left out, as report does.
    if (config.opt === 'sgd') assert.equal(pipeline.params.some(([name]) => name === 'beta1'), false);
    if (config.opt === 'adam') assert.equal(pipeline.params.some(([name]) => name === 'momentum'), false);
  }

  const model = new StudyModel();
  model.reset(snapshot, Date.now());
  assert.deepEqual(model.counts(), { running: 1, ok: 5, failed: 1, expired: 1 });

  const run = fixture.study.snapshot();
  const summary = summarizeRun(run);
  const report = reportJson(run, summary) as { incumbent: { config_id: string; epoch: number; score: number } };
  const incumbent = snapshot.live.incumbent;
  assert.ok(incumbent);
  assert.equal(snapshot.pool[incumbent.pipeline]?.id, report.incumbent.config_id);
  assert.equal(report.incumbent.config_id, fixture.ids[1], 'p1 epoch 2 scored 0.71 before p3 epoch 1 did');
  assert.equal(incumbent.epoch, report.incumbent.epoch);
  assert.equal(incumbent.score, report.incumbent.score);
  assert.equal(incumbent.checkpoint, null, 'no artifacts folder: the checkpoint is unknown');

  assert.deepEqual(
    model.models().filter((m) => m.steps > 0).map((m) => [m.model, m.pipelines, m.steps, m.failed, m.best]),
    summary.models.map((m) => [m.model, m.pipelines, m.steps, m.failed, m.best ?? null]),
  );
  assert.deepEqual(model.models().find((m) => m.steps === 0), { model: fixture.pool[5]?.config.model, pipelines: 0, steps: 0, failed: 0, best: null, running: 1 }, 'a model only running so far is listed, last');
  const states = new Map(model.pipelines().map((p) => [p.info.id, model.stateOf(p)]));
  assert.equal(states.get(fixture.ids[2] ?? ''), 'failed');
  assert.equal(states.get(fixture.ids[3] ?? ''), 'finished');
  assert.equal(states.get(fixture.ids[1] ?? ''), 'paused');
  assert.equal(states.has(fixture.ids[5] ?? ''), false, 'a pipeline only running so far has no curve yet');
  assert.equal(model.pipeline(2)?.error, 'training program exited with code 1: boom');

  const workers = model.workers();
  assert.deepEqual(workers.map((w) => [w.id, w.state, w.steps, w.running?.pipeline ?? null]), [
    ['w1', 'live', 3, null],
    ['w2', 'live', 3, 5],
  ]);
  assert.equal(snapshot.live.stopReason, null);
  assert.equal(snapshot.live.clock.ticking, true, 'the session is open: the clock runs');
  assert.deepEqual(snapshot.live.budget, { seconds: 100, maxSteps: null });

  const best = model.bestOverTime();
  assert.deepEqual(best.times, [12, 20, 31, 39, 50]);
  assert.deepEqual(best.best, [0.41, 0.55, 0.55, 0.71, 0.71]);
  const timeline = model.steps.map((s) => [s.worker, s.startedAt, s.finishedAt]);
  assert.deepEqual(timeline[0], ['w1', 0, 12]);
  await fixture.study.close();
});

test('a delta carries only what came after the page\'s cursor, and a page that lost track is told so', async () => {
  const fixture = await fixtureStudy();
  const view = new StudyView({ artifacts: undefined });
  await view.update(followed(fixture.study));
  const model = new StudyModel();
  model.reset(wire(view.snapshot()), Date.now());
  const before = view.cursor;

  await finish(fixture.study, fixture.running, { score: 0.93, status: 'ok', final: false, finishedAt: 61 });
  await fixture.study.stop('budget', 101);
  await view.update(followed(fixture.study));
  const delta = view.deltaSince(before);
  assert.ok(delta);
  const message = wire(delta);
  assert.equal(message.steps.length, 1);
  assert.equal(message.expired.length, 0);
  assert.ok(JSON.stringify(message).length < 4000, 'a delta is small: no pool, no earlier steps');
  const change = model.apply(message, Date.now());
  assert.deepEqual(change, { reset: false, newSteps: 1, newExpired: 0 });
  assert.deepEqual(model.counts(), { running: 0, ok: 6, failed: 1, expired: 1 });
  assert.equal(model.live.incumbent?.score, 0.93);
  assert.equal(model.live.stopReason, 'budget');
  assert.equal(model.live.clock.ticking, false);
  assert.equal(model.clockAt(Date.now() + 60_000), 101, 'a stopped study\'s clock stands still');
  assert.deepEqual(model.workers().map((w) => w.state), ['stopped', 'stopped']);

  assert.equal(model.apply(message, Date.now()), undefined, 'the same delta twice does not follow');
  assert.equal(view.deltaSince({ steps: 99, expired: 0 }), undefined, 'a cursor past the study needs a snapshot');
  const empty = view.deltaSince(view.cursor) as DeltaMessage;
  assert.equal(empty.steps.length, 0);
  await fixture.study.close();
});

test('the incumbent\'s checkpoint is the epoch\'s entry in <artifacts>/checkpoints/<id>/ when there is one, else the folder', async () => {
  const fixture = await fixtureStudy();
  const artifacts = await tempDir('qt-dashboard-');
  const folder = join(artifacts, 'checkpoints', fixture.ids[1] ?? '');
  const view = new StudyView({ artifacts });
  await view.update(followed(fixture.study));
  let incumbent = (view.snapshot() as SnapshotMessage).live.incumbent;
  assert.deepEqual([incumbent?.checkpoint, incumbent?.checkpointFound], [folder, false]);

  await mkdir(join(folder, 'epoch-2'), { recursive: true });
  await view.update(followed(fixture.study));
  incumbent = view.snapshot().live.incumbent;
  assert.deepEqual([incumbent?.checkpoint, incumbent?.checkpointFound], [join(folder, 'epoch-2'), true]);

  const tfjs = await tempDir('qt-dashboard-');
  await writeFile(join(tfjs, 'tfjs-epoch-12.qtck'), '');
  await writeFile(join(tfjs, 'tfjs-epoch-2.qtck'), '');
  assert.deepEqual(await findEpochCheckpoint(tfjs, 2), { path: join(tfjs, 'tfjs-epoch-2.qtck'), found: true });
  assert.deepEqual(await findEpochCheckpoint(tfjs, 1), { path: tfjs, found: false }, 'epoch-12 is not epoch 1');
  await fixture.study.close();
});
