/**
 * Distributed search on one PostgreSQL study: throughput of the claim protocol and regret with many workers.
 *
 *   npm run bench:distributed -- [--seconds 45] [--regret-seconds 300] [--workers 8]
 *                                [--methods random-pairs,quicktune] [--phases throughput,regret] [--out FILE.json]
 *
 * Starts a throwaway PostgreSQL server (test/helpers/postgres-server.ts) and real `quicktune worker` processes
 * (node bin/quicktune.js), one study per phase:
 *
 * - throughput: for each method, 1 and N workers share a study of the replay task DOG with a near-zero-cost
 *   trainer (--time-scale 1e-6) for --seconds of wall time; steps recorded per second, and steps recorded twice
 *   (the same pipeline and epoch twice in the stored journal; must be 0);
 * - regret: Quick-Tune on the replay task RESISC with 1 and N workers, --time-scale chosen so one simulated hour
 *   takes --regret-seconds of wall time; normalized regret at 15 min, 30 min and 1 h of simulated time, from
 *   the study's stored steps.
 *
 * Each phase also records the machine's load (os.loadavg). One seed per phase: the regret numbers are single
 * runs, not means.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMetaDataset } from '../src/metadata/load.ts';
import { realMetadataset } from '../test/helpers/paths.ts';
import { startPostgres } from '../test/helpers/postgres-server.ts';
import { lastJoinSeconds, regretAt, stepsRecordedTwice, throughput } from './distributed/measures.ts';
import { parseOptions } from './distributed/options.ts';
import { runPhase } from './distributed/study-phase.ts';

const THROUGHPUT_TASK = 'DOG';
const REGRET_TASK = 'RESISC';
const NEAR_ZERO_SCALE = 1e-6;
const SIMULATED = [900, 1800, 3600];

const options = parseOptions(process.argv.slice(2));
const data = realMetadataset();
if (data.skip !== false) throw new Error(data.skip);
const server = await startPostgres();
const cwd = await mkdtemp(join(tmpdir(), 'qt-bench-distributed-'));
const counts = [...new Set([1, options.workers])];
const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const results: Record<string, unknown> = { options, started: new Date().toISOString() };

try {
  if (options.phases.includes('throughput')) {
    const rows: Array<Record<string, unknown>> = [];
    const table = ['| method | workers | steps | steps/s | steps/s, all joined | last join (s) | steps recorded twice | load 1 min (mean / max) |', '|---|---|---|---|---|---|---|---|'];
    for (const method of options.methods) {
      for (const workers of counts) {
        const spec = { study: `throughput-${method}-${workers}`, metadataset: data.dir, task: THROUGHPUT_TASK, method, budgetSeconds: options.seconds, timeScale: NEAR_ZERO_SCALE, workers };
        const phase = await runPhase(server, spec, cwd);
        const rate = throughput(phase.entries, phase.snapshot);
        const twice = stepsRecordedTwice(phase.entries);
        rows.push({ method, workers, ...rate, steps_recorded_twice: twice, wall_seconds: phase.wallSeconds, load: phase.load });
        table.push(`| ${method} | ${workers} | ${rate.steps} | ${fmt(rate.stepsPerSecond)} | ${fmt(rate.stepsPerSecondAllJoined)} | ${fmt(rate.lastJoinSeconds, 1)} | ${twice} | ${fmt(phase.load.mean)} / ${fmt(phase.load.max)} |`);
        process.stderr.write(`done: ${table.at(-1)}\n`);
      }
    }
    results.throughput = rows;
    process.stdout.write(`Throughput: task ${THROUGHPUT_TASK}, --time-scale ${NEAR_ZERO_SCALE}, ${options.seconds} s of wall time per study\n${table.join('\n')}\n\n`);
  }

  if (options.phases.includes('regret')) {
    const task = (await loadMetaDataset(data.dir)).tasks.get(REGRET_TASK);
    if (task === undefined) throw new Error(`no task ${REGRET_TASK} in ${data.dir}`);
    const timeScale = options.regretSeconds / 3600;
    const rows: Array<Record<string, unknown>> = [];
    const table = ['| workers | 15 min | 30 min | 1 h | steps | last join (s) | steps recorded twice | load 1 min (mean / max) |', '|---|---|---|---|---|---|---|---|'];
    for (const workers of counts) {
      const spec = { study: `regret-${workers}`, metadataset: data.dir, task: REGRET_TASK, method: 'quicktune', budgetSeconds: options.regretSeconds, timeScale, workers };
      const phase = await runPhase(server, spec, cwd);
      const regret = regretAt(phase.snapshot, timeScale, SIMULATED, task.yBest, task.yWorst);
      const twice = stepsRecordedTwice(phase.entries);
      const joined = lastJoinSeconds(phase.snapshot);
      rows.push({ workers, simulated_seconds: SIMULATED, regret, steps: phase.snapshot.steps.length, last_join_seconds: joined, steps_recorded_twice: twice, wall_seconds: phase.wallSeconds, load: phase.load });
      table.push(`| ${workers} | ${regret.map((r) => fmt(r, 3)).join(' | ')} | ${phase.snapshot.steps.length} | ${fmt(joined, 1)} | ${twice} | ${fmt(phase.load.mean)} / ${fmt(phase.load.max)} |`);
      process.stderr.write(`done: ${table.at(-1)}\n`);
    }
    results.regret = { task: REGRET_TASK, method: 'quicktune', time_scale: timeScale, rows };
    process.stdout.write(`Regret: Quick-Tune on ${REGRET_TASK}, 1 h simulated in ${options.regretSeconds} s of wall time (--time-scale ${fmt(timeScale, 5)})\n${table.join('\n')}\n`);
  }
} finally {
  await server.dispose();
  await rm(cwd, { recursive: true, force: true });
}
if (options.out !== '') await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
