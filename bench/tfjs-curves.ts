/**
 * Records learning curves of the tfjs trainer on real image folders, for measuring the shipped predictor on
 * this trainer's curves (bench/predictor-tfjs-quality.ts). Tasks: ../shared/images/stamps, three subsets of
 * its classes (each a task of its own) and examples/shapes. Pipelines come from the tfjs space's pool (seeded),
 * skipping those the trainer's cost model predicts slower than --max-epoch-seconds of CPU (so the bench finishes on a
 * CPU: this biases the curves toward frozen backbones, as a short search on a CPU is biased). Writes JSON.
 *
 * node dist/bench/tfjs-curves.js --out curves.json [--curves N] [--epochs N] [--max-epoch-seconds S] [--seed S]
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPool, loadSpace } from '../src/space/index.ts';
import { TRAINERS } from '../src/trainers/index.ts';
import { createTfjsTrainer } from '../src/trainers/tfjs/tfjs-trainer.ts';
import { projectRoot, sharedDir } from '../test/helpers/paths.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    curves: { type: 'string', default: '8' },
    epochs: { type: 'string', default: '8' },
    'max-epoch-seconds': { type: 'string', default: '8' },
    seed: { type: 'string', default: '0' },
    tasks: { type: 'string' },
  },
});

interface TaskSpec {
  readonly name: string;
  readonly dir: string;
  /** Class folders to keep; all when absent. */
  readonly classes?: readonly string[];
}

export interface RecordedCurve {
  readonly config_id: string;
  readonly config: Record<string, string | number | boolean | null>;
  readonly scores: number[];
  readonly seconds: number[];
  readonly predicted_seconds: number[];
}

export interface RecordedTask {
  readonly name: string;
  readonly meta_features: Readonly<Record<string, number>>;
  readonly curves: RecordedCurve[];
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** A folder of symbolic links to some class folders of `spec.dir` (never a copy of the data). */
async function taskFolder(spec: TaskSpec, scratch: string): Promise<string> {
  if (!spec.classes) return spec.dir;
  const dir = join(scratch, spec.name);
  await mkdir(dir, { recursive: true });
  for (const name of spec.classes) await symlink(join(spec.dir, name), join(dir, name));
  return dir;
}

async function main(): Promise<void> {
  if (!values.out) throw new Error('--out FILE.json');
  const stamps = join(sharedDir(), 'images', 'stamps');
  const all: TaskSpec[] = [
    ...(existsSync(stamps)
      ? [
          { name: 'stamps', dir: stamps },
          { name: 'stamps-animals-food-town', dir: stamps, classes: ['animals', 'food', 'town'] },
          { name: 'stamps-plants-town-vehicles', dir: stamps, classes: ['plants', 'town', 'vehicles'] },
          { name: 'stamps-animals-vehicles', dir: stamps, classes: ['animals', 'vehicles'] },
        ]
      : []),
    { name: 'shapes', dir: join(projectRoot(), 'examples', 'shapes') },
  ];
  const wanted = values.tasks?.split(',');
  const specs = wanted ? all.filter((t) => wanted.includes(t.name)) : all;
  const definition = TRAINERS.get('tfjs');
  if (!definition?.defaultSpace) throw new Error('no tfjs space');
  const pool = buildPool(await loadSpace(definition.defaultSpace), { seed: Number(values.seed) });
  const scratch = await mkdtemp(join(tmpdir(), 'qt-curves-'));
  const tasks: RecordedTask[] = [];
  const started = load();
  try {
    for (const spec of specs) {
      const dataset = await taskFolder(spec, scratch);
      const runDir = join(scratch, `run-${spec.name}`);
      const trainer = await createTfjsTrainer({ dataset, runDir, seed: Number(values.seed) });
      try {
        const predict = await trainer.costModel();
        const curves: RecordedCurve[] = [];
        for (const pipeline of pool) {
          if (curves.length >= Number(values.curves)) break;
          // NOTE: the budget is in CPU seconds (the prediction without the machine's current contention), so a
          // busy machine records the same curves, only slower.
          const later = predict(pipeline.config, 2);
          const contention = trainer.lastCostProfile?.contention ?? 1;
          if (later === undefined || later / contention > Number(values['max-epoch-seconds'])) continue;
          const curve: RecordedCurve = { config_id: pipeline.id, config: { ...pipeline.config }, scores: [], seconds: [], predicted_seconds: [] };
          for (let epoch = 1; epoch <= Number(values.epochs); epoch++) {
            curve.predicted_seconds.push(predict(pipeline.config, epoch) ?? Number.NaN);
            const outcome = await trainer.train({
              configId: pipeline.id, config: pipeline.config, epoch, maxEpochs: 50, checkpointDir: join(runDir, 'checkpoints', pipeline.id), signal: new AbortController().signal,
            });
            curve.scores.push(outcome.score);
            curve.seconds.push(outcome.seconds);
            if (outcome.final) break;
          }
          curves.push(curve);
          console.error(`${spec.name}: ${pipeline.config.model} pct ${pipeline.config.pct_to_freeze} → ${curve.scores.map((s) => s.toFixed(2)).join(' ')} (load ${load()})`);
        }
        tasks.push({ name: spec.name, meta_features: { ...(await trainer.datasetMetaFeatures()) }, curves });
      } finally {
        await trainer.close();
      }
      await writeFile(values.out, JSON.stringify({ started_load: started, ended_load: load(), epochs: Number(values.epochs), tasks }, null, 1));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
