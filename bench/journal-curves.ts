/**
 * Learning curves of the tfjs trainer taken from the runs a real-image benchmark stored (every journal.jsonl
 * under a folder), in bench/tfjs-curves.ts's format, for bench/predictor-tfjs-quality.ts. Unlike
 * tfjs-curves.ts these are the curves searches actually trained (full finetunes as well as linear probes, as
 * long as each method chose to continue them), at no extra training cost. Per pipeline the longest curve over
 * all runs of a task is kept (runs of other seeds train the same pipeline with other initial weights).
 *
 * node dist/bench/journal-curves.js --task NAME=DATASET_DIR:RUNS_DIR [--task ...] --out curves.json
 *   DATASET_DIR: the folder the searches saw (the benchmark's data/search), for the meta-features
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StepRecord } from '../src/core/step.ts';
import { loadImageFolder } from '../src/data/load-image-folder.ts';
import { loadRun } from '../src/storage/load-run.ts';
import type { RecordedCurve, RecordedTask } from './tfjs-curves.ts';

const { values } = parseArgs({
  options: {
    task: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});

async function journals(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await journals(path)));
    else if (entry.name === 'journal.jsonl') found.push(dir);
  }
  return found;
}

/** The run's curves: each pipeline's ok epochs 1, 2, … up to its first gap or failure. */
function curvesOf(steps: readonly StepRecord[], configs: ReadonlyMap<string, RecordedCurve['config']>): RecordedCurve[] {
  const byPipeline = new Map<string, Map<number, StepRecord>>();
  for (const step of steps) {
    if (step.status !== 'ok' || step.score === null) continue;
    const epochs = byPipeline.get(step.configId) ?? byPipeline.set(step.configId, new Map()).get(step.configId)!;
    epochs.set(step.epoch, step);
  }
  const curves: RecordedCurve[] = [];
  for (const [configId, epochs] of byPipeline) {
    const config = configs.get(configId);
    if (!config) continue;
    const scores: number[] = [];
    const seconds: number[] = [];
    for (let epoch = 1; epochs.has(epoch); epoch++) {
      scores.push(epochs.get(epoch)?.score ?? 0);
      seconds.push(epochs.get(epoch)?.seconds ?? 0);
    }
    if (scores.length > 0) curves.push({ config_id: configId, config, scores, seconds });
  }
  return curves;
}

async function task(spec: string): Promise<RecordedTask> {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(spec);
  if (!match) throw new Error(`--task ${spec}: expected NAME=DATASET_DIR:RUNS_DIR`);
  const [, name = '', datasetDir = '', runsDir = ''] = match;
  const longest = new Map<string, RecordedCurve>();
  for (const run of await journals(runsDir)) {
    const snapshot = await loadRun(run);
    const configs = new Map(snapshot.pool.map((p) => [p.id, { ...p.config } as RecordedCurve['config']]));
    for (const curve of curvesOf(snapshot.steps, configs)) {
      if ((longest.get(curve.config_id)?.scores.length ?? 0) < curve.scores.length) longest.set(curve.config_id, curve);
    }
  }
  const dataset = await loadImageFolder(datasetDir);
  return { name, meta_features: { ...dataset.metaFeatures }, curves: [...longest.values()] };
}

async function main(): Promise<void> {
  if (!values.out || !values.task?.length) throw new Error('usage: --task NAME=DATASET_DIR:RUNS_DIR [--task ...] --out FILE.json');
  const tasks: RecordedTask[] = [];
  for (const spec of values.task) {
    const recorded = await task(spec);
    tasks.push(recorded);
    const lengths = recorded.curves.map((c) => c.scores.length);
    console.error(`${recorded.name}: ${recorded.curves.length} curves, ${lengths.reduce((a, b) => a + b, 0)} epochs, longest ${Math.max(0, ...lengths)}`);
  }
  const epochs = Math.max(0, ...tasks.flatMap((t) => t.curves.map((c) => c.scores.length)));
  await writeFile(values.out, JSON.stringify({ source: 'benchmark journals', epochs, tasks }, null, 1));
}

await main();
