import { spawn } from 'node:child_process';

export interface ProgramOptions {
  /** A shell command line, run with /bin/sh -c in a new process group. */
  readonly command: string;
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. */
  readonly input: string;
  /** Kill the process tree after this many milliseconds; undefined = no limit. */
  readonly timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping the program. */
  readonly graceMs: number;
  readonly signal: AbortSignal;
  /** Each complete output line, for debug logging. */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface ProgramRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The last lines of stderr (at most STDERR_TAIL_BYTES). */
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Wall seconds from spawn to exit. */
  readonly seconds: number;
}

export const STDERR_TAIL_BYTES = 4096;
/** stdout kept for the result line; a program that prints more keeps only its end. */
const STDOUT_KEEP_BYTES = 1 << 20;
/** How long to wait for the output pipes to close once the program has exited. */
const DRAIN_MS = 2000;

/**
 * Runs a program to completion and never leaves processes behind: the program gets its own process group,
 * which is sent SIGTERM then SIGKILL on timeout or abort, and SIGKILL once the program itself has exited
 * (stragglers it started). Resolves with what happened; never rejects for the program's own failures.
 */
export function runProgram(options: ProgramOptions): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null; seconds: number } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const lines = { stdout: '', stderr: '' };

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // NOTE: ESRCH: the group is already empty.
      }
    };
    const stop = (): void => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), options.graceMs));
    };
    const feed = (stream: 'stdout' | 'stderr', chunk: string): void => {
      if (!options.onLine) return;
      const parts = (lines[stream] + chunk).split(/\r?\n/);
      lines[stream] = parts.pop() ?? '';
      for (const line of parts) options.onLine(stream, line);
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) if (lines[stream]) options.onLine?.(stream, lines[stream]);
      const ended = exit ?? { code: null, signal: null, seconds: (performance.now() - started) / 1000 };
      resolve({ ...ended, stdout, stderrTail: stderr, timedOut, aborted });
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-STDOUT_KEEP_BYTES);
      feed('stdout', chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
      feed('stderr', chunk);
    });
    // NOTE: a program that never reads stdin may close it first; EPIPE then is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      for (const timer of timers) clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal, seconds: (performance.now() - started) / 1000 };
      killGroup('SIGKILL');
      // NOTE: a straggler outside the group may hold the pipes open; do not wait for it forever.
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, DRAIN_MS),
      );
    });
    child.on('close', finish);

    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs),
      );
    }
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdin.end(options.input);
  });
}
