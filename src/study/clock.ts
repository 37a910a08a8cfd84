/** A step in flight on a worker slot, as a clock sees it. */
export interface InFlight<T> {
  readonly slot: number;
  /** Clock reading when the step started. */
  readonly startedAt: number;
  /** Settles with the step's outcome (never rejects: failures are outcomes too). */
  readonly done: Promise<T>;
  /** Training seconds the outcome charges (what a simulated clock advances by). */
  seconds(result: T): number;
}

/** The step a clock says finished next, and the clock reading at its finish. */
export interface Finished<T> {
  readonly step: InFlight<T>;
  readonly result: T;
  readonly finishedAt: number;
}

/**
 * Time as a search sees it, for any number of worker slots. A real search reads the wall clock: steps finish
 * when they finish. A replay moves a simulated clock from event to event: each slot's step finishes at its
 * start plus its recorded training seconds, and the optimizer's own measured time is charged to the slot that
 * asked, delaying only that slot's next step (with one slot: the paper's protocol, training + overhead).
 */
export interface Clock {
  /** Seconds since the search began (a simulated clock: the time of the latest finished step). */
  now(): number;
  /** The reading at which `slot` starts its next step. */
  readyAt(slot: number): number;
  /** Charges the optimizer's measured wall time (ask, tell) to `slot`; the real clock ignores it (it passed). */
  chargeOverhead(seconds: number, slot: number): void;
  /** Waits for the step that finishes first and moves the clock to its finish. */
  next<T>(inFlight: readonly InFlight<T>[]): Promise<Finished<T>>;
}

/**
 * The wall clock of a real search: seconds since `startAt` seconds before construction (a resumed run starts at
 * the time its previous sessions already spent). Wall time (Date.now) rather than a monotonic timer, so that
 * workers of one study on several machines read the same clock from a shared origin.
 */
export class RealClock implements Clock {
  private readonly origin: number;

  constructor(startAt = 0) {
    this.origin = Date.now() - startAt * 1000;
  }

  /** A clock that reads 0 at wall time `originMs` (ms since the epoch): a shared study's clock. */
  static fromOrigin(originMs: number): RealClock {
    return new RealClock((Date.now() - originMs) / 1000);
  }

  now(): number {
    return (Date.now() - this.origin) / 1000;
  }

  readyAt(_slot: number): number {
    return this.now();
  }

  chargeOverhead(_seconds: number, _slot: number): void {}

  async next<T>(inFlight: readonly InFlight<T>[]): Promise<Finished<T>> {
    if (inFlight.length === 0) throw new RangeError('no step in flight');
    const { step, result } = await Promise.race(inFlight.map((step) => step.done.then((result) => ({ step, result }))));
    return { step, result, finishedAt: this.now() };
  }
}

export interface SimulatedClockOptions {
  /** Seconds already on the clock when the search starts (a resumed replay). Default 0. */
  readonly startAt?: number;
  /**
   * Add the optimizer's measured wall time to the clock (the paper's protocol). Default true; false gives a
   * clock that only counts recorded training seconds, so that runs with the same seed are comparable exactly.
   */
  readonly countOverhead?: boolean;
}

/**
 * The clock of a replay with any number of asynchronous workers: an event clock. Keeps the training and
 * overhead sums, so a benchmark can report the overhead separately.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private readonly ready = new Map<number, number>();
  private training = 0;
  private overhead = 0;
  private readonly countOverhead: boolean;

  constructor(options: SimulatedClockOptions = {}) {
    this.current = options.startAt ?? 0;
    this.countOverhead = options.countOverhead ?? true;
  }

  now(): number {
    return this.current;
  }

  readyAt(slot: number): number {
    return Math.max(this.current, this.ready.get(slot) ?? this.current);
  }

  chargeOverhead(seconds: number, slot: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot charge ${seconds} s of overhead`);
    this.overhead += seconds;
    if (this.countOverhead) this.ready.set(slot, this.readyAt(slot) + seconds);
  }

  async next<T>(inFlight: readonly InFlight<T>[]): Promise<Finished<T>> {
    if (inFlight.length === 0) throw new RangeError('no step in flight');
    const results = await Promise.all(inFlight.map((step) => step.done));
    let best = -1;
    let bestAt = Infinity;
    results.forEach((result, k) => {
      const step = inFlight[k];
      if (!step) return;
      const seconds = step.seconds(result);
      if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot advance a clock by ${seconds} s`);
      const at = step.startedAt + seconds;
      if (at < bestAt || (at === bestAt && step.slot < (inFlight[best]?.slot ?? Infinity))) {
        best = k;
        bestAt = at;
      }
    });
    const step = inFlight[best];
    const result = results[best] as T;
    if (!step) throw new RangeError('no step in flight');
    this.training += step.seconds(result);
    this.current = Math.max(this.current, bestAt);
    return { step, result, finishedAt: this.current };
  }

  /** Training seconds charged so far (recorded epoch times, all workers together). */
  get trainingSeconds(): number {
    return this.training;
  }

  /** Optimizer seconds measured so far, whether or not they count on this clock. */
  get overheadSeconds(): number {
    return this.overhead;
  }
}
