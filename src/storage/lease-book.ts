import { StorageConflict, type JournalEntry } from './types.ts';

interface Lease {
  readonly configId: string;
  readonly epoch: number;
  readonly worker: string;
  /** ms since epoch; Infinity for a lease held as long as the owning process lives. */
  expiresAt: number;
}

/**
 * The backend rules (see StudyBackend) for backends that live in one process (memory, journal file): which
 * claims hold a lease, which (pipeline, epoch) has its ok step. It checks a transaction's entries before they
 * commit and then applies them; the PostgreSQL backend enforces the same rules with table constraints.
 */
export class LeaseBook {
  private readonly leases = new Map<string, Lease>();
  private readonly byPipeline = new Map<string, string>();
  private readonly okSteps = new Set<string>();
  private readonly seen = new Map<string, string>();

  /**
   * Replays committed entries (a journal opened from disk). `orphaned`: the claims' holders are known to be
   * gone (the journal's lock was free), so their leases count as run out.
   */
  load(entries: readonly JournalEntry[], orphaned = false): void {
    const now = Date.now();
    this.check(entries, now);
    this.commit(entries, now);
    if (orphaned) for (const lease of this.leases.values()) lease.expiresAt = 0;
  }

  /** Claims whose lease ran out at `now` (ms). */
  expired(now: number): string[] {
    return [...this.leases].filter(([, lease]) => lease.expiresAt <= now).map(([claim]) => claim);
  }

  /** Throws StorageConflict when `entries` would break a rule, given what is committed. */
  check(entries: readonly JournalEntry[], now: number): void {
    const leases = new Map([...this.byPipeline].map(([pipeline, claim]) => [pipeline, claim]));
    const live = new Set([...this.leases].filter(([, l]) => l.expiresAt > now).map(([claim]) => claim));
    const ok = new Set(this.okSteps);
    for (const entry of entries) {
      const claim = typeof entry.claim === 'string' ? entry.claim : undefined;
      const configId = String(entry.config_id);
      if (entry.op === 'claim' && claim !== undefined) {
        const holder = leases.get(configId);
        if (holder !== undefined && live.has(holder)) throw new StorageConflict('claim-taken', `pipeline '${configId}' is already claimed (${holder})`);
        leases.set(configId, claim);
        live.add(claim);
      } else if (entry.op === 'expire' && claim !== undefined) {
        live.delete(claim);
      } else if (entry.op === 'step') {
        if (claim !== undefined) {
          if (!live.has(claim)) throw new StorageConflict('lease-lost', `the lease of claim '${claim}' was lost before its result arrived`);
          live.delete(claim);
        }
        const key = `${configId}\u0000${String(entry.epoch)}`;
        if (entry.status === 'ok') {
          if (ok.has(key)) throw new StorageConflict('duplicate-step', `pipeline '${configId}' epoch ${String(entry.epoch)} is already recorded`);
          ok.add(key);
        }
      }
    }
  }

  /** Applies checked entries. `leaseSeconds` null in a claim entry: held until expired explicitly. */
  commit(entries: readonly JournalEntry[], now: number): void {
    for (const entry of entries) {
      const claim = typeof entry.claim === 'string' ? entry.claim : undefined;
      if (entry.op === 'claim' && claim !== undefined) {
        const configId = String(entry.config_id);
        const seconds = typeof entry.lease === 'number' ? entry.lease : Infinity;
        const previous = this.byPipeline.get(configId);
        if (previous !== undefined) this.leases.delete(previous);
        this.leases.set(claim, { configId, epoch: Number(entry.epoch), worker: String(entry.worker), expiresAt: now + seconds * 1000 });
        this.byPipeline.set(configId, claim);
        this.seen.set(String(entry.worker), new Date(now).toISOString());
      } else if ((entry.op === 'expire' || entry.op === 'step') && claim !== undefined) {
        this.drop(claim);
      }
      if (entry.op === 'step' && entry.status === 'ok') this.okSteps.add(`${String(entry.config_id)}\u0000${String(entry.epoch)}`);
      if (entry.op === 'step' && typeof entry.worker === 'string') this.seen.set(entry.worker, new Date(now).toISOString());
    }
  }

  /** Extends live leases; returns the claims that have none any more. */
  renew(worker: string, claims: readonly string[], seconds: number, now: number): string[] {
    this.seen.set(worker, new Date(now).toISOString());
    const lost: string[] = [];
    for (const claim of claims) {
      const lease = this.leases.get(claim);
      if (!lease || lease.expiresAt <= now) lost.push(claim);
      else if (Number.isFinite(lease.expiresAt)) lease.expiresAt = now + seconds * 1000;
    }
    return lost;
  }

  lastSeen(): ReadonlyMap<string, string> {
    return new Map(this.seen);
  }

  private drop(claim: string): void {
    const lease = this.leases.get(claim);
    if (!lease) return;
    this.leases.delete(claim);
    if (this.byPipeline.get(lease.configId) === claim) this.byPipeline.delete(lease.configId);
  }
}
