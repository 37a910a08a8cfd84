/**
 * Records learning curves of the tfjs trainer on real image folders, for measuring the shipped predictor on
 * this trainer's curves (bench/predictor-tfjs-quality.ts). Tasks: ../shared/images/stamps, three subsets of
 * its classes (each a task of its own) and examples/shapes. Pipelines come from the tfjs space's pool (seeded),
 * keeping only those whose epochs are cheap on a CPU: at least 60% of the backbone frozen (80% for
 * InceptionV3), no augmentation, batches of 8 or more. This biases the curves toward frozen backbones, as a
 * short search on a CPU is biased. Writes JSON.
 *
 * node dist/bench/tfjs-curves.js --out curves.json [--curves N] [--epochs N] [--seed S] [--tasks a,b]
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
}

export interface RecordedTask {
  readonly name: string;
  readonly meta_features: Readonly<Record<string, number>>;
  readonly curves: RecordedCurve[];
}

/** Whether a pipeline's epochs are cheap on a CPU (most of the backbone frozen, features cached). */
function cheap(config: Readonly<Record<string, unknown>>): boolean {
  const frozen = Number(config.pct_to_freeze);
  const least = config.model === 'inception_v3_nsfwjs' ? 0.8 : 0.6;
  return frozen >= least && String(config.data_augmentation) === 'None' && Number(config.batch_size) >= 8 && Number(config.mixup) === 0 && Number(config.cutmix) === 0;
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
        const curves: RecordedCurve[] = [];
        for (const pipeline of pool.filter((p) => cheap(p.config))) {
          if (curves.length >= Number(values.curves)) break;
          const curve: RecordedCurve = { config_id: pipeline.id, config: { ...pipeline.config }, scores: [], seconds: [] };
          for (let epoch = 1; epoch <= Number(values.epochs); epoch++) {
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
