/** Wall seconds since `since` (a performance.now() reading). */
export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** CPU seconds (user + system) this process has used. */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * The probes' clock: CPU seconds of this process, which other processes' load does not inflate (the wasm
 * backend computes on one thread), plus the wall and CPU seconds of everything timed, whose ratio is the
 * machine's contention while probing.
 */
export const clock = { wall: 0, cpu: 0 };

/** CPU seconds of the fastest of `reps` runs of `task` (the others absorb first-use costs). */
export function fastest(reps: number, task: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const wall = performance.now();
    const cpu = cpuSeconds();
    task();
    const spent = cpuSeconds() - cpu;
    clock.wall += seconds(wall);
    clock.cpu += spent;
    best = Math.min(best, spent);
  }
  return best;
}
