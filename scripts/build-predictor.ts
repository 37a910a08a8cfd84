import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMetaDataset } from '../src/metadata/index.ts';
import { saveCheckpoint } from '../src/predictor/checkpoint.ts';
import { metaTrain } from '../src/predictor/meta-train/meta-train.ts';
import { DEFAULT_RECIPE, RECIPES } from '../src/predictor/recipes.ts';
import { projectRoot } from './project-root.ts';

// Rebuilds the shipped predictor (npm run build:predictor): meta-trained on every task of the real
// meta-dataset in ../shared (QUICKTUNE_SHARED overrides), written to metadata/predictor.
const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10000' }, seed: { type: 'string', default: '0' } } });
const root = projectRoot();
const shared = process.env.QUICKTUNE_SHARED ?? resolve(root, '..', 'shared');
const metaDataset = await loadMetaDataset(join(shared, 'metadatasets', 'quicktune-extended'));
let last = 0;
const { checkpoint, seconds } = await metaTrain({
  ...RECIPES[DEFAULT_RECIPE],
  recipe: DEFAULT_RECIPE,
  metaDataset,
  iterations: Number(values.iterations),
  seed: Number(values.seed),
  onProgress: ({ iteration, iterations, valMse, bestValMse }) => {
    if (iteration - last < iterations / 20 && iteration !== iterations) return;
    last = iteration;
    process.stderr.write(`${iteration}/${iterations} val mse ${valMse?.toFixed(5)} best ${bestValMse?.toFixed(5)}\n`);
  },
});
const out = join(root, 'metadata', 'predictor');
await saveCheckpoint(out, checkpoint);
const { training, tasks } = checkpoint.manifest;
process.stdout.write(
  `wrote ${out}: ${tasks.train.length} training + ${tasks.validation.length} validation tasks, best val MSE ${training.bestValMse?.toFixed(5)} ` +
    `at iteration ${training.bestIteration}, ${seconds.toFixed(0)} s\n`,
);
