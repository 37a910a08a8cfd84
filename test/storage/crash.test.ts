import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../src/storage/index.ts';
import { Random } from '../../src/util/random.ts';
import { projectRoot } from '../helpers/paths.ts';

const APPENDER = join(projectRoot(), 'dist', 'test', 'helpers', 'journal-appender.js');

/** Runs the appender until it has stored at least `minSteps` more steps, then SIGKILLs it after `delayMs`. */
function appendThenKill(journal: string, resume: boolean, delayMs: number): Promise<{ reported: number[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APPENDER], {
      env: { ...process.env, QT_APPENDER_JOURNAL: journal, QT_APPENDER_RESUME: resume ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let scheduled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!scheduled && out.includes('ready')) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (!scheduled) reject(new Error(`the appender stopped before it was ready: ${err}`));
      const reported = [...out.matchAll(/^stored (\d+)$/gm)].map((m) => Number(m[1]));
      resolve({ reported, signal });
    });
  });
}

test('kill -9 while appending: every step reported as stored is in the journal exactly once, in order', async () => {
  const journal = join(await mkdtemp(join(tmpdir(), 'qt-crash-')), 'journal.jsonl');
  const rng = new Random(20_261_126);
  const everReported = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const delay = 40 + rng.int(200);
    const { reported, signal } = await appendThenKill(journal, round > 0, delay);
    assert.equal(signal, 'SIGKILL', `round ${round}`);
    for (const seq of reported) everReported.add(seq);
    const run = await loadRun(journal);
    const seqs = run.steps.map((s) => s.finishedAt);
    // Steps are numbered by their position, so "contiguous from 0" means none lost and none repeated.
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i), `round ${round}: steps out of order`);
    const highest = Math.max(-1, ...everReported);
    assert.ok(run.steps.length >= highest + 1, `round ${round} (delay ${delay} ms): reported step ${highest} lost`);
    // At most the one step being written when the kill came is there without having been reported.
    assert.ok(run.steps.length <= highest + 2, `round ${round}: ${run.steps.length} steps, last reported ${highest}`);
    assert.equal(run.sessions.length, round + 1, 'each resumed session took over the stale lock');
  }
  assert.ok(everReported.size > 20, `too few steps stored to mean anything: ${everReported.size}`);
});
