import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../errors.ts';
import { claimEntry, expireEntry, headerEntry, sessionEntry, stepEntry } from '../storage/journal-ops.ts';
import { readStudy } from '../storage/load-run.ts';
import { StorageConflict, type JournalEntry, type StudyBackend } from '../storage/types.ts';
import { Study } from '../study/study.ts';

/** What a backend under test provides: a fresh, empty study location per call. */
export interface StorageHarness {
  /** A backend for a study that does not exist yet. */
  fresh(): Promise<StudyBackend>;
  /** Another handle on the same study (another connection, or the next process after this one ended). */
  reopen(backend: StudyBackend): Promise<StudyBackend>;
  /** True where one process owns the study, so claims left open by a closed handle expire at the next open. */
  readonly orphansExpireOnReopen: boolean;
  /** True where several handles may write at once (the concurrency test runs). */
  readonly concurrent: boolean;
  /** Leases of this many seconds run out in a test's time (backends with leases that expire). */
  readonly shortLeaseSeconds?: number;
}

const identity = {
  seed: 0,
  dataset: { path: 'data', fingerprint: 'sha256:0' },
  spaceHash: 'space',
  trainer: { name: 'contract' },
  optimizer: { name: 'contract' },
  maxEpochs: 3,
};

const pool = [
  { id: 'p1', config: { model: 'm1' } },
  { id: 'p2', config: { model: 'm2' } },
];

function opening(): JournalEntry[] {
  return [
    headerEntry({ ...identity, quicktune: 'test', createdAt: new Date().toISOString(), budget: {} }),
    { op: 'pool', pipelines: pool },
    sessionEntry({ n: 1, startedAt: new Date().toISOString(), pid: 1, host: 'h', quicktune: 'test', budget: {}, role: 'search', workers: ['w1'] }),
  ];
}

const claimOf = (claim: string, configId: string, epoch: number, lease: number | null = null): JournalEntry =>
  claimEntry({ claim, configId, epoch, worker: 'w1', startedAt: 0 }, lease);

const stepOf = (seq: number, configId: string, epoch: number, claim?: string): JournalEntry =>
  stepEntry(seq, { configId, epoch, score: 0.5, seconds: 1, status: 'ok', final: false, finishedAt: seq + 1 }, claim);

const conflict = (kind: StorageConflict['kind']) => (error: unknown) => error instanceof StorageConflict && error.kind === kind;

/**
 * The storage contract every backend passes (as Optuna's storage test cases do for its storages): creation,
 * reads, transactions, the three rules (one live claim per pipeline, a step only under its live lease, one ok
 * step per pipeline and epoch), leases that run out, and studies made, claimed, recorded and resumed on it.
 * Call it at the top level of a test file.
 */
export function storageContract(name: string, harness: StorageHarness): void {
  describe(`storage contract: ${name}`, () => {
    test('a study is created once, read back in order, and a missing one is named', async () => {
      const backend = await harness.fresh();
      try {
        assert.equal(await backend.exists(), false);
        await assert.rejects(backend.read(0), (e: unknown) => e instanceof InputError && e.code === 'study.missing');
        await backend.create(opening());
        assert.equal(await backend.exists(), true);
        assert.deepEqual((await backend.read(0)).map((e) => e.op), ['header', 'pool', 'session']);
        assert.deepEqual((await backend.read(2)).map((e) => e.op), ['session']);
        await assert.rejects(backend.create(opening()), (e: unknown) => e instanceof InputError && e.code === 'study.exists');
      } finally {
        await backend.close();
      }
    });

    test('a transaction sees what was committed since its cursor and commits all or nothing', async () => {
      const backend = await harness.fresh();
      try {
        await backend.create(opening());
        const seen = await backend.transaction(1, async (tx) => {
          tx.append([claimOf('c1', 'p1', 1)]);
          return tx.entries.map((e) => e.op);
        });
        assert.deepEqual(seen, ['pool', 'session']);
        await assert.rejects(
          backend.transaction(0, async (tx) => {
            tx.append([claimOf('c2', 'p2', 1)]);
            throw new Error('changed my mind');
          }),
          /changed my mind/,
        );
        assert.deepEqual((await backend.read(3)).map((e) => e.claim), ['c1']);
      } finally {
        await backend.close();
      }
    });

    test('one live claim per pipeline; a step commits only under its live lease and ends it; one ok step per epoch', async () => {
      const backend = await harness.fresh();
      try {
        await backend.create(opening());
        await backend.transaction(0, async (tx) => tx.append([claimOf('c1', 'p1', 1)]));
        await assert.rejects(backend.transaction(0, async (tx) => tx.append([claimOf('c2', 'p1', 1)])), conflict('claim-taken'));
        await assert.rejects(backend.transaction(0, async (tx) => tx.append([stepOf(0, 'p1', 1, 'nope')])), conflict('lease-lost'));
        await backend.transaction(0, async (tx) => tx.append([stepOf(0, 'p1', 1, 'c1')]));
        await assert.rejects(backend.transaction(0, async (tx) => tx.append([stepOf(1, 'p1', 1, 'c1')])), conflict('lease-lost'));
        await backend.transaction(0, async (tx) => tx.append([claimOf('c3', 'p1', 2)]));
        await backend.transaction(0, async (tx) => tx.append([expireEntry('c3', 'test')]));
        await backend.transaction(0, async (tx) => tx.append([claimOf('c4', 'p1', 2)]));
        await assert.rejects(backend.transaction(0, async (tx) => tx.append([stepOf(1, 'p1', 1)])), conflict('duplicate-step'));
        assert.deepEqual((await backend.read(3)).map((e) => `${String(e.op)} ${String(e.claim ?? '')}`), ['claim c1', 'step c1', 'claim c3', 'expire c3', 'claim c4']);
      } finally {
        await backend.close();
      }
    });

    if (harness.shortLeaseSeconds !== undefined) {
      const lease = harness.shortLeaseSeconds;
      test('a lease that is not renewed runs out; a renewed one lives; renewing a lost one reports it', async () => {
        const backend = await harness.fresh();
        try {
          await backend.create(opening());
          await backend.transaction(0, async (tx) => tx.append([claimOf('kept', 'p1', 1, lease), claimOf('lost', 'p2', 1, lease)]));
          const deadline = Date.now() + lease * 1000 * 1.6;
          while (Date.now() < deadline) {
            assert.deepEqual(await backend.renew('w1', ['kept'], lease), []);
            await new Promise((resolve) => setTimeout(resolve, (lease * 1000) / 4));
          }
          const expired = await backend.transaction(0, async (tx) => tx.expired);
          assert.deepEqual([...expired], ['lost']);
          assert.deepEqual(await backend.renew('w1', ['lost'], lease), ['lost']);
          await assert.rejects(backend.transaction(0, async (tx) => tx.append([stepOf(0, 'p2', 1, 'lost')])), conflict('lease-lost'));
          await backend.transaction(0, async (tx) => tx.append([stepOf(0, 'p1', 1, 'kept')]));
        } finally {
          await backend.close();
        }
      });
    }

    if (harness.concurrent) {
      const reopen = harness.reopen.bind(harness);
      test('transactions of several connections never interleave: each sees all commits before it', async () => {
        const first = await harness.fresh();
        await first.create(opening());
        const handles = [first, ...(await Promise.all([1, 2, 3].map(() => reopen(first))))];
        try {
          // NOTE: each transaction numbers its claim by what it sees; a lost update would repeat a number.
          await Promise.all(
            Array.from({ length: 24 }, (_, k) =>
              (handles[k % handles.length] ?? first).transaction(0, async (tx) => {
                const n = tx.entries.filter((e) => e.op === 'expire').length;
                await new Promise((resolve) => setTimeout(resolve, 2));
                tx.append([expireEntry(`n${n}`, 'count')]);
              }),
            ),
          );
          const claims = (await first.read(0)).filter((e) => e.op === 'expire').map((e) => e.claim);
          assert.deepEqual(claims, Array.from({ length: 24 }, (_, n) => `n${n}`));
        } finally {
          await Promise.all(handles.map((h) => h.close()));
        }
      });
    }

    test('a study made on it claims, records and resumes: nothing lost, nothing twice, open claims expire', async () => {
      const backend = await harness.fresh();
      const study = await Study.create(backend, { identity, pool, role: 'search', workers: ['w1', 'w2'], budget: { seconds: 60 } });
      const tell = async (): Promise<void> => undefined;
      const a = await study.claim('w1', () => 1, async () => ({ configId: 'p1', epoch: 1 }), tell);
      const b = await study.claim('w2', () => 2, async () => ({ configId: 'p2', epoch: 1 }), tell);
      assert.ok(a && b);
      assert.deepEqual(study.state.candidates(), [], 'both pipelines are pending');
      const recorded = await study.finish(b, { score: 0.7, seconds: 3, status: 'ok', final: false, finishedAt: 5 }, tell);
      assert.equal(recorded?.worker, 'w2');
      await study.close();
      // NOTE: the process "dies" with claim a open; the next session finds it expired (one-process storage) or
      // still leased until its lease runs out (shared storage).
      const resumed = await Study.open(await harness.reopen(backend), { identity, role: 'search', workers: ['w1'], budget: { seconds: 60 } });
      try {
        const snapshot = resumed.snapshot();
        assert.deepEqual(snapshot.steps.map((s) => [s.configId, s.epoch, s.score]), [['p2', 1, 0.7]]);
        assert.deepEqual(snapshot.sessions.map((s) => s.workers.length), [2, 1]);
        if (harness.orphansExpireOnReopen) {
          assert.deepEqual(snapshot.expired.map((e) => e.configId), ['p1']);
          assert.deepEqual(resumed.state.candidates(), [0, 1], 'the expired step can run again');
        } else {
          assert.deepEqual(snapshot.running.map((e) => e.configId), ['p1']);
          assert.deepEqual(resumed.state.candidates(), [1], 'the leased step is still pending');
        }
        assert.equal((await readStudy(resumed.backend)).steps.length, 1);
      } finally {
        await resumed.close();
      }
    });
  });
}
