import type { Clock } from './types.ts';

/**
 * The wall clock of a real search: seconds since construction plus `startAt` (a resumed run starts at the
 * time its previous sessions already spent). Training and optimizer time pass by themselves, so `advance`
 * and `chargeOverhead` do nothing.
 */
export class RealClock implements Clock {
  private readonly origin: number;

  constructor(startAt = 0) {
    this.origin = performance.now() / 1000 - startAt;
  }

  now(): number {
    return performance.now() / 1000 - this.origin;
  }

  advance(_seconds: number): void {}

  chargeOverhead(_seconds: number): void {}
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
 * The clock of a replay: time moves only when the loop charges recorded training seconds or the optimizer's
 * own measured time. Keeps both sums, so a benchmark can report the overhead separately.
 */
export class SimulatedClock implements Clock {
  private training = 0;
  private overhead = 0;
  private readonly start: number;
  private readonly countOverhead: boolean;

  constructor(options: SimulatedClockOptions = {}) {
    this.start = options.startAt ?? 0;
    this.countOverhead = options.countOverhead ?? true;
  }

  now(): number {
    return this.start + this.training + (this.countOverhead ? this.overhead : 0);
  }

  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot advance a clock by ${seconds} s`);
    this.training += seconds;
  }

  chargeOverhead(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot charge ${seconds} s of overhead`);
    this.overhead += seconds;
  }

  /** Training seconds charged so far (recorded epoch times). */
  get trainingSeconds(): number {
    return this.training;
  }

  /** Optimizer seconds measured so far, whether or not they count on this clock. */
  get overheadSeconds(): number {
    return this.overhead;
  }
}
