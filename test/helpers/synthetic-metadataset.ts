import type { CellValue, MetaConfig, MetaDataset, MetaTask } from '../../src/metadata/types.ts';
import { Random } from '../../src/util/random.ts';

export interface RunSpec {
  readonly id: string;
  readonly model: string;
  readonly values?: Readonly<Record<string, CellValue>>;
  readonly scores: readonly number[];
  readonly costs: readonly number[];
}

/** A MetaTask built in memory from hand-written runs (y_best / y_worst computed as the loader does). */
export function makeTask(name: string, runs: readonly RunSpec[], metaFeatures: Record<string, CellValue> = {}): MetaTask {
  const configs: MetaConfig[] = runs.map((run) => ({
    id: run.id,
    dataset: name,
    model: run.model,
    values: run.values ?? {},
    scores: Float64Array.from(run.scores),
    costs: Float64Array.from(run.costs),
  }));
  const all = runs.flatMap((run) => [...run.scores]);
  return {
    name,
    metaFeatures: { num_samples: 1000, num_classes: 10, image_size: 128, num_channels: 3, ...metaFeatures },
    configs,
    yBest: Math.max(...all),
    yWorst: Math.min(...all),
  };
}

const MODELS = ['tiny_net', 'small_net', 'big_net'] as const;
const MODEL_COST: Readonly<Record<string, number>> = { tiny_net: 5, small_net: 20, big_net: 80 };

/**
 * A task with `n` seeded, plausible learning curves of up to `maxEpochs` epochs: saturating curves whose
 * ceiling depends on the model and the learning rate, some diverging after epoch 1, per-model epoch costs.
 */
export function syntheticTask(name: string, seed: number, n = 30, maxEpochs = 12): MetaTask {
  const random = new Random(seed);
  const runs: RunSpec[] = [];
  for (let i = 0; i < n; i++) {
    const model = random.pick(MODELS);
    const lr = random.pick([1e-4, 1e-3, 1e-2]);
    const diverged = random.next() < 0.2;
    const length = diverged ? 1 : random.next() < 0.2 ? 1 + random.int(maxEpochs) : maxEpochs;
    const ceiling = Math.min(0.98, 0.45 + MODELS.indexOf(model) * 0.12 + (lr === 1e-3 ? 0.15 : 0) + 0.1 * random.next());
    const speed = 1 + 4 * random.next();
    const scores: number[] = [];
    const costs: number[] = [];
    for (let e = 1; e <= length; e++) {
      const clean = diverged ? 0.05 : ceiling * (1 - Math.exp(-e / speed));
      scores.push(Math.min(1, Math.max(0, clean + 0.01 * random.normal())));
      costs.push((MODEL_COST[model] ?? 10) * (0.9 + 0.2 * random.next()));
    }
    runs.push({ id: `${name}-${i}`, model, values: { lr, batch_size: random.pick([16, 32, 64]) }, scores, costs });
  }
  return makeTask(name, runs, { num_samples: 500 + random.int(5000), num_classes: 2 + random.int(50) });
}

/** A MetaDataset over the given tasks (what the loader would return for such a folder). */
export function makeMetaDataset(tasks: readonly MetaTask[], maxEpochs: number, name = 'synthetic'): MetaDataset {
  const byId = new Map(tasks.flatMap((t) => t.configs.map((c) => [c.id, c] as const)));
  const models = [...new Set(tasks.flatMap((t) => t.configs.map((c) => c.model)))].sort();
  return {
    name,
    maxEpochs,
    dir: `memory:${name}`,
    contentHash: `synthetic-${name}-${tasks.length}`,
    hyperparameters: [],
    metaFeatures: [],
    models,
    tasks: new Map(tasks.map((t) => [t.name, t])),
    totals: { configs: byId.size, curvePoints: tasks.reduce((s, t) => s + t.configs.reduce((a, c) => a + c.scores.length, 0), 0) },
    config: (id) => byId.get(id),
  };
}
