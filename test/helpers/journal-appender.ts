import { writeSync } from 'node:fs';
import { StudyRecorder } from './study-recorder.ts';
import { FIXTURE_POOL, fixtureIdentity, okStep } from './run-fixture.ts';

/**
 * A child process for the crash test: opens (or resumes) the run at $QT_APPENDER_JOURNAL and records steps
 * as fast as it can, printing "stored <seq>" after each one is durable, until it is killed. Without the
 * variable (e.g. when the test runner loads this file) it does nothing.
 */
const journal = process.env.QT_APPENDER_JOURNAL;
if (journal !== undefined) {
  const resume = process.env.QT_APPENDER_RESUME === '1';
  const options = { journal, identity: fixtureIdentity({ maxEpochs: 1_000_000 }), budget: { seconds: 3600 } };
  const store = resume ? await StudyRecorder.resume(options) : await StudyRecorder.create({ ...options, pool: FIXTURE_POOL });
  let seq = store.previousSteps.length;
  const epochs = new Map<string, number>();
  for (const step of store.previousSteps) epochs.set(step.configId, step.epoch);
  writeSync(1, `ready ${seq}\n`);
  for (;;) {
    const pipeline = FIXTURE_POOL[seq % FIXTURE_POOL.length]?.id ?? 'p-alpha';
    const epoch = (epochs.get(pipeline) ?? 0) + 1;
    // NOTE: a long error string makes each line span several file-system blocks, so kills can tear it.
    await store.recordStep({ ...okStep(pipeline, epoch, (seq % 100) / 100, seq), error: 'x'.repeat(seq % 7 === 0 ? 9000 : 10) });
    epochs.set(pipeline, epoch);
    writeSync(1, `stored ${seq}\n`);
    seq++;
  }
}
