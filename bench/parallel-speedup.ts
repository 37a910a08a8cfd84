/**
 * Regret and speed-up of asynchronous parallel workers on the simulated clock, from the runs a benchmark
 * stored (`quicktune benchmark --workers N --out DIR` for each N into the same DIR).
 *
 *   node dist/bench/parallel-speedup.js DIR [--methods quicktune,asha,random-pairs] [--workers 1,4,8]
 *     [--budgets 1,4,16] [--levels 1,2,4,8] [--json FILE]
 *
 * For each method and N: mean normalized regret at 1 h / 4 h / 16 h (± standard error over tasks, each task
 * averaged over its seeds), the largest number of steps that ran at once, steps recorded twice (must be 0),
 * and the speed-up: for regret levels reached by one worker at 1 h, 2 h, 4 h and 8 h, the simulated time one
 * worker needs to reach that mean regret divided by the time N workers need (on a fine time grid).
 * Only the (task, seed) searches that every worker count of a method has are compared, so a benchmark still
 * running (or run in parts) compares like with like.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizedRegret } from '../src/benchmark/regret.ts';
import { RunResultSchema, type RunResult } from '../src/benchmark/run-result.ts';

const HOUR = 3600;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function loadRuns(dir: string): Promise<RunResult[]> {
  const out: RunResult[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.json')) out.push(RunResultSchema.parse(JSON.parse(await readFile(path, 'utf8'))));
    }
  };
  await walk(join(dir, 'runs'));
  return out;
}

/** Mean regret over tasks (each task's seeds averaged first) at time t, with its standard error. */
function meanRegret(runs: readonly RunResult[], t: number): { mean: number; stderr: number } {
  const byTask = new Map<string, number[]>();
  for (const run of runs) byTask.set(run.task, [...(byTask.get(run.task) ?? []), normalizedRegret(run.trajectory, t, run.y_best, run.y_worst)]);
  const perTask = [...byTask.values()].map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const mean = perTask.reduce((a, b) => a + b, 0) / perTask.length;
  const variance = perTask.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, perTask.length - 1);
  return { mean, stderr: Math.sqrt(variance / perTask.length) };
}

/** The first time on a 1-minute grid at which the mean regret is at most `level` (Infinity if never). */
function timeToReach(runs: readonly RunResult[], level: number, horizon: number): number {
  for (let t = 60; t <= horizon; t += 60) if (meanRegret(runs, t).mean <= level + 1e-12) return t;
  return Infinity;
}

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node dist/bench/parallel-speedup.js DIR [--methods a,b] [--workers 1,4,8] [--budgets 1,4,16] [--levels 1,2,4,8] [--json FILE]\n');
  process.exit(2);
}
const methods = option('--methods', 'quicktune,asha,random-pairs').split(',');
const workerCounts = option('--workers', '1,4,8').split(',').map(Number);
const hours = (text: string): number[] => text.split(',').map((h) => Number(h) * HOUR);
const BUDGETS = hours(option('--budgets', '1,4,16'));
const LEVEL_TIMES = hours(option('--levels', '1,2,4,8'));
const loaded = await loadRuns(dir);
const searchKey = (r: RunResult): string => `${r.method}/${r.task}/${r.seed}`;
const countsOf = new Map<string, Set<number>>();
for (const r of loaded) countsOf.set(searchKey(r), (countsOf.get(searchKey(r)) ?? new Set()).add(r.workers ?? 1));
const all = loaded.filter((r) => workerCounts.every((w) => countsOf.get(searchKey(r))?.has(w)));
const horizon = Math.max(...all.map((r) => r.budget_seconds));
const report: Record<string, unknown> = {};
const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const h = (seconds: number): string => `${seconds / HOUR} h`;
const lines = [
  `| method | workers | searches | ${BUDGETS.map(h).join(' | ')} | steps at once | duplicates | speed-up at the ${LEVEL_TIMES.map(h).join(' / ')} levels of one worker |`,
  `|---|---|---|${BUDGETS.map(() => '---|').join('')}---|---|---|`,
];
for (const method of methods) {
  const one = all.filter((r) => r.method === method && (r.workers ?? 1) === 1);
  const levels = LEVEL_TIMES.map((t) => meanRegret(one, t).mean);
  for (const workers of workerCounts) {
    const runs = all.filter((r) => r.method === method && (r.workers ?? 1) === workers);
    if (runs.length === 0) continue;
    const regret = BUDGETS.map((b) => meanRegret(runs, b));
    const speedups = levels.map((level, k) => {
      const single = timeToReach(one, level, horizon);
      const parallel = timeToReach(runs, level, horizon);
      return k >= 0 ? single / parallel : 0;
    });
    const atOnce = Math.max(...runs.map((r) => r.parallel?.max_running ?? 1));
    const duplicates = runs.reduce((s, r) => s + (r.parallel?.duplicate_steps ?? 0), 0);
    report[`${method}@${workers}`] = { runs: runs.length, regret: regret.map((r) => r.mean), stderr: regret.map((r) => r.stderr), levels, speedups, max_running: atOnce, duplicate_steps: duplicates };
    lines.push(
      `| ${method} | ${workers} | ${runs.length} | ${regret.map((r) => `${fmt(r.mean)} ± ${fmt(r.stderr)}`).join(' | ')} | ${atOnce} | ${duplicates} | ${speedups.map((s) => (Number.isFinite(s) && s > 0 ? s.toFixed(2) : '-')).join(' / ')} |`,
    );
  }
}
const target = (method: string, workers: number): string => {
  const one = all.filter((r) => r.method === method && (r.workers ?? 1) === 1);
  const many = all.filter((r) => r.method === method && (r.workers ?? 1) === workers);
  if (one.length === 0 || many.length === 0) return '';
  const [a, b] = [meanRegret(many, HOUR).mean, meanRegret(one, 3 * HOUR).mean];
  return `${method}: ${workers} workers at 1 h ${fmt(a)} vs one worker at 3 h ${fmt(b)} (${a <= b ? 'no worse' : 'worse'})`;
};
lines.push('', ...methods.flatMap((m) => workerCounts.filter((w) => w > 1).map((w) => target(m, w))).filter((l) => l !== ''));
process.stdout.write(`${lines.join('\n')}\n`);
const jsonFile = option('--json', '');
if (jsonFile !== '') await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
