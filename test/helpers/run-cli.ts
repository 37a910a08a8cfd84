import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cacheDir: string | undefined;
/** One cache folder per test file: the CLI never reads epoch costs that another test run (or the user) measured. */
function testCacheDir(): string {
  cacheDir ??= mkdtempSync(join(tmpdir(), 'qt-test-cache-'));
  return cacheDir;
}

/** Runs the real bin/quicktune.js in a child process, as a user or a CI script would. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), ...args], {
      cwd: options.cwd ?? projectRoot(),
      env: { ...process.env, QUICKTUNE_CACHE_DIR: testCacheDir(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
