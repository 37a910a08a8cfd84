import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../helpers/paths.ts';

/** A `quicktune dashboard` child process that printed its address. */
export interface DashboardProcess {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** What it printed on stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code and everything it printed. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `quicktune dashboard ...args` and waits (at most `timeoutMs`) for the address on its first line. */
export function startDashboardProcess(args: readonly string[], timeoutMs = 20_000, logLevel = 'warn'): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), 'dashboard', ...args, '--log-level', logLevel], {
    cwd: projectRoot(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolvePromise) => child.on('close', (code) => resolvePromise(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return { code, stdout, stderr };
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`quicktune dashboard printed no address within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    const onData = (): void => {
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolvePromise({ url: stdout.slice(0, newline), child, stop, stderr: () => stderr });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`quicktune dashboard exited (${code}) before printing its address; stderr: ${stderr}`));
    });
  });
}
