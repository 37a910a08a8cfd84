import { availableParallelism, loadavg } from 'node:os';

/** The machine's load during a phase: the 1-minute load average, sampled every second. */
export interface LoadSummary {
  readonly cpus: number;
  readonly mean: number;
  readonly max: number;
  /** The 1-, 5- and 15-minute load averages when the phase ended. */
  readonly atEnd: readonly number[];
}

/** Samples os.loadavg() until `stop` is called. */
export function sampleLoad(intervalMs = 1000): { stop(): LoadSummary } {
  const samples: number[] = [loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(loadavg()[0] ?? 0), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const atEnd = loadavg();
      samples.push(atEnd[0] ?? 0);
      return { cpus: availableParallelism(), mean: samples.reduce((a, b) => a + b, 0) / samples.length, max: Math.max(...samples), atEnd };
    },
  };
}
