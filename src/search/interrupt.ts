import type { Logger } from 'pino';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into an abort of `controller`: the running step is stopped (its
 * trainer sees the signal), nothing half-done is recorded, and the search ends cleanly so it can be resumed.
 * A second signal restores the default handling and re-raises it, which ends the process at once.
 * Returns the function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController, log: Logger): () => void {
  let seen = 0;
  const handler = (signal: NodeJS.Signals): void => {
    seen++;
    if (seen === 1) {
      log.warn(`${signal}: stopping the search; the running step is interrupted and will not be recorded (press Ctrl-C again to quit at once)`);
      controller.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    remove();
    process.kill(process.pid, signal);
  };
  const remove = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return remove;
}
