import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PostgresBackend } from '../../src/storage/backends/postgres.ts';
import { replayJournal } from '../../src/storage/replica.ts';
import type { JournalEntry, StudySnapshot } from '../../src/storage/types.ts';
import { projectRoot } from './paths.ts';

/** A log line of a worker (pino JSON on stderr). */
export type LogLine = Readonly<Record<string, unknown>>;

/** A `quicktune` child process whose stderr log lines are parsed as they come. */
export interface CliProcess {
  readonly pid: number;
  readonly lines: LogLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first log line that `match` accepts (rejects after `timeoutMs`, or when the process ends first). */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  readonly done: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts bin/quicktune.js with `args` (killed after `timeoutMs` at the latest). */
export function startCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 180_000): CliProcess {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const lines: LogLine[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      if (!text.startsWith('{')) continue;
      try {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.match(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      } catch {
        // NOTE: not a log line (an error line of the CLI); kept in stderr().
      }
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid ?? -1,
    lines,
    stdout: () => out,
    stderr: () => err,
    done,
    kill: (signal) => void child.kill(signal),
    waitForLine(match, waitMs) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such log line within ${waitMs} ms; stderr:\n${err.slice(-3000)}`)), waitMs);
        void done.then(() => {
          clearTimeout(timer);
          setTimeout(() => reject(new Error(`the process ended first; stderr:\n${err.slice(-3000)}`)), 0);
        });
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** The entries of a study and the study they replay to (the replica checks every rule on the way). */
export async function readStudyEntries(url: string, study: string): Promise<{ entries: readonly JournalEntry[]; snapshot: StudySnapshot }> {
  const backend = await PostgresBackend.connect(url, study);
  try {
    const entries = await backend.read(0);
    return { entries, snapshot: replayJournal(backend.location, entries) };
  } finally {
    await backend.close();
  }
}

const key = (configId: unknown, epoch: unknown): string => `${String(configId)}@${String(epoch)}`;

/**
 * Checks the leases in commit order: a claim only on a pipeline without a live claim, a step only under its
 * own claim, at most one ok step per (pipeline, epoch). Returns the claims by id.
 */
export function checkLeases(entries: readonly JournalEntry[]): Map<string, { configId: string; epoch: number; worker: string }> {
  const claims = new Map<string, { configId: string; epoch: number; worker: string }>();
  const open = new Map<string, string>();
  const ok = new Set<string>();
  for (const [position, entry] of entries.entries()) {
    const claim = typeof entry.claim === 'string' ? entry.claim : undefined;
    if (entry.op === 'claim' && claim !== undefined) {
      const configId = String(entry.config_id);
      assert.equal(open.get(configId), undefined, `entry ${position}: claim ${claim} on ${configId} while claim ${open.get(configId)} is live`);
      open.set(configId, claim);
      claims.set(claim, { configId, epoch: Number(entry.epoch), worker: String(entry.worker) });
    } else if (entry.op === 'expire' && claim !== undefined) {
      const held = claims.get(claim);
      assert.ok(held, `entry ${position}: expiry of unknown claim ${claim}`);
      if (open.get(held.configId) === claim) open.delete(held.configId);
    } else if (entry.op === 'step') {
      assert.ok(claim !== undefined, `entry ${position}: a step without its claim`);
      const held = claims.get(claim);
      assert.equal(open.get(String(entry.config_id)), claim, `entry ${position}: step of ${String(entry.config_id)} under claim ${claim}, which is not its live claim`);
      assert.deepEqual([held?.configId, held?.epoch, held?.worker], [entry.config_id, entry.epoch, entry.worker], `entry ${position}: the step does not match its claim`);
      open.delete(String(entry.config_id));
      if (entry.status === 'ok') {
        const k = key(entry.config_id, entry.epoch);
        assert.ok(!ok.has(k), `entry ${position}: ${k} recorded ok twice`);
        ok.add(k);
      }
    }
  }
  return claims;
}

/**
 * Checks what the trainers ran (the workers' 'step started' lines) against the claims: every run was under a
 * claim of its worker, and a (pipeline, epoch) ran more than once only after its earlier claims expired.
 */
export function checkTrainerRuns(entries: readonly JournalEntry[], lines: readonly LogLine[]): { runs: number } {
  const claims = checkLeases(entries);
  const claimsBy = new Map<string, Array<{ worker: string }>>();
  for (const c of claims.values()) claimsBy.set(key(c.configId, c.epoch), [...(claimsBy.get(key(c.configId, c.epoch)) ?? []), { worker: c.worker }]);
  const started = lines.filter((line) => line.msg === 'step started');
  const runsBy = new Map<string, string[]>();
  for (const line of started) runsBy.set(key(line.configId, line.epoch), [...(runsBy.get(key(line.configId, line.epoch)) ?? []), String(line.worker)]);
  for (const [k, workers] of runsBy) {
    const claimed = claimsBy.get(k) ?? [];
    assert.ok(workers.length <= claimed.length, `${k} was trained ${workers.length} times under ${claimed.length} claim(s)`);
    for (const worker of workers) assert.ok(claimed.some((c) => c.worker === worker), `${k} was trained by ${worker}, which never claimed it`);
  }
  for (const entry of entries) {
    if (entry.op !== 'step') continue;
    assert.ok((runsBy.get(key(entry.config_id, entry.epoch)) ?? []).includes(String(entry.worker)), `${key(entry.config_id, entry.epoch)} is recorded for ${String(entry.worker)}, whose trainer never ran it`);
  }
  return { runs: started.length };
}
