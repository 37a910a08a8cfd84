import { parseArgs } from 'node:util';
import { assignFolds } from '../src/benchmark/folds.ts';
import { loadMetaDataset } from '../src/metadata/index.ts';
import type { MetaTask } from '../src/metadata/types.ts';
import { predictorFromCheckpoint } from '../src/predictor/deep-kernel-predictor.ts';
import { metaTrain, type MetaTrainOptions } from '../src/predictor/meta-train/meta-train.ts';
import { runConfig } from '../src/predictor/meta-train/training-data.ts';
import { DEFAULT_RECIPE, RECIPES, type RecipeName } from '../src/predictor/recipes.ts';
import { Random } from '../src/util/random.ts';
import { Averages, EpochMeanReference, Metrics, searchEpisode, spearman } from './predictor-episodes.ts';
import { sharedMetadataset } from './predictor-shared.ts';

// Predictive quality on held-out tasks (npm run bench:predictor -- quality): meta-train without a fold,
// then on each of its tasks observe search-like states and predict the next epoch of the candidates.
const { values } = parseArgs({
  options: {
    metadataset: { type: 'string' },
    folds: { type: 'string', default: '5' },
    'eval-folds': { type: 'string' },
    iterations: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '0' },
    context: { type: 'string', default: '25,100,400' },
    steps: { type: 'string', default: '0,100' },
    episodes: { type: 'string', default: '2' },
    recipe: { type: 'string', default: DEFAULT_RECIPE },
    option: { type: 'string', multiple: true, default: [] },
  },
});

const list = (text: string) => text.split(',').filter(Boolean).map(Number);
const meta = await loadMetaDataset(values.metadataset ?? sharedMetadataset());
const tasks = [...meta.tasks.keys()];
const folds = assignFolds(tasks, Number(values.folds));
const evalFolds = values['eval-folds'] ? list(values['eval-folds']) : folds.map((_, i) => i);
const contexts = list(values.context);
const stepsList = list(values.steps);
const recipeName = (values.recipe ?? DEFAULT_RECIPE) as RecipeName;
if (!(recipeName in RECIPES)) throw new Error(`--recipe: one of ${Object.keys(RECIPES).join(', ')}`);
const overrides: Record<string, unknown> = { ...RECIPES[recipeName] };
for (const item of values.option ?? []) {
  const [key, raw] = item.split('=') as [string, string];
  overrides[key] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

const metrics = new Map<string, Metrics>();
const metric = (key: string) => metrics.get(key) ?? metrics.set(key, new Metrics()).get(key)!;
const costError = new Map<string, { se: number; n: number }>();
const rankCorrelation = new Averages();
/** Spearman correlation of predicted and true scores among the new and among the continuing queries. */
const addRanks = (method: string, size: number, queries: readonly { epoch: number }[], predicted: ArrayLike<number>, truth: ArrayLike<number>) => {
  for (const kind of ['new', 'continuing']) {
    const idx = queries.map((q, j) => ((q.epoch > 1) === (kind === 'continuing') ? j : -1)).filter((j) => j >= 0);
    rankCorrelation.add(`${method}, ${kind}|${size}`, spearman(idx.map((j) => predicted[j]!), idx.map((j) => truth[j]!)));
  }
};
/** Indices of the next-step queries (continuing and new) of an episode. */
const nextStepOnly = (episode: { kinds: readonly string[] }) => episode.kinds.map((k, j) => (k === 'ahead' ? -1 : j)).filter((j) => j >= 0);
let trainSeconds = 0;
for (const fold of evalFolds) {
  const exclude = folds[fold] ?? [];
  const options = { metaDataset: meta, exclude, iterations: Number(values.iterations), seed: Number(values.seed), ...overrides } as MetaTrainOptions;
  const { checkpoint, seconds } = await metaTrain(options);
  trainSeconds += seconds;
  const predictor = await predictorFromCheckpoint(checkpoint, `fold ${fold + 1}`);
  const trainTasks = checkpoint.manifest.tasks.train.map((name) => meta.tasks.get(name)!);
  const reference = new EpochMeanReference(trainTasks, meta.maxEpochs);
  process.stderr.write(`fold ${fold + 1}: trained ${seconds.toFixed(0)} s, best val mse ${checkpoint.manifest.training.bestValMse?.toFixed(5)} at ${checkpoint.manifest.training.bestIteration}\n`);
  for (const name of exclude) {
    const task: MetaTask = meta.tasks.get(name)!;
    const rng = new Random(Number(values.seed) * 7919 + fold);
    for (const size of contexts) {
      for (let e = 0; e < Number(values.episodes); e++) {
        const episode = searchEpisode(task, size, rng);
        const tp = predictor.forTask(episode.runs.map(runConfig), task.metaFeatures, { seed: e, metaInit: true });
        for (const steps of stepsList) {
          await tp.fit(episode.observed, { steps, learningRate: 1e-3, restart: true });
          const { mean, std } = await tp.predict(episode.queries);
          const cost = await tp.predictCost(episode.queries);
          const c = costError.get(`steps=${steps}`) ?? { se: 0, n: 0 };
          episode.queries.forEach((q, j) => {
            const kind = episode.kinds[j]!;
            // NOTE: 'all' is the next-step queries only, comparable with earlier tables; 'ahead' is its own row.
            if (kind !== 'ahead') metric(`dkl steps=${steps}|${size}`).add(episode.truth[j]!, mean[j]!, std[j]!);
            metric(`dkl steps=${steps}, ${kind}|${size}`).add(episode.truth[j]!, mean[j]!, std[j]!);
            if (kind === 'ahead') return;
            c.se += (Math.log(cost[j]!) - Math.log(Math.max(episode.truthSeconds[j]!, 1e-3))) ** 2;
            c.n++;
          });
          costError.set(`steps=${steps}`, c);
          const next = nextStepOnly(episode);
          addRanks(`dkl steps=${steps}`, size, next.map((j) => episode.queries[j]!), next.map((j) => mean[j]!), next.map((j) => episode.truth[j]!));
        }
        tp.dispose();
        const next = nextStepOnly(episode);
        addRanks('last observed score', size, next.map((j) => episode.queries[j]!), next.map((j) => reference.lastScore(episode.queries[j]!.curve, episode.queries[j]!.epoch)), next.map((j) => episode.truth[j]!));
        episode.queries.forEach((q, j) => {
          const kind = episode.kinds[j]!;
          for (const suffix of kind === 'ahead' ? [', ahead'] : ['', `, ${kind}`]) {
            metric(`last observed score${suffix}|${size}`).add(episode.truth[j]!, reference.lastScore(q.curve, q.epoch), reference.lastScoreRmse);
            metric(`training mean at epoch${suffix}|${size}`).add(episode.truth[j]!, reference.mean[q.epoch] ?? 0, reference.rmse);
          }
        });
      }
    }
  }
}

const methods = [...new Set([...metrics.keys()].map((k) => k.split('|')[0]!))].sort();
const header = ['method', ...contexts.flatMap((c) => [`MSE n≈${c}`, `NLPD n≈${c}`, `rank ρ n≈${c}`])];
const rows = methods.map((m) => [
  m,
  ...contexts.flatMap((c) => {
    const rho = rankCorrelation.get(`${m}|${c}`);
    return [metric(`${m}|${c}`).mse.toFixed(4), metric(`${m}|${c}`).meanNlpd.toFixed(3), Number.isFinite(rho) ? rho.toFixed(3) : '-'];
  }),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(`Next-epoch score (and, in the 'ahead' rows, a random later epoch from the same prefix) on held-out tasks: folds ${evalFolds.map((f) => f + 1).join(',')} of ${folds.length}, ${values.iterations} iterations, recipe ${recipeName}, options ${JSON.stringify(overrides)}\n`);
process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
for (const [key, c] of costError) process.stdout.write(`cost predictor ${key}: MSE of log seconds ${(c.se / c.n).toFixed(3)}\n`);
process.stdout.write(`meta-training: ${trainSeconds.toFixed(0)} s in all\n`);
