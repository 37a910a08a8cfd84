import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadTf } from '../src/backend/tfjs-backend.ts';
import { loadMetaDataset } from '../src/metadata/index.ts';
import { ExactGp } from '../src/numerics/exact-gp.ts';
import { createLinalg } from '../src/numerics/linalg.ts';
import { metaTrain } from '../src/predictor/meta-train/meta-train.ts';
import { RECIPES, type Recipe } from '../src/predictor/recipes.ts';
import { Adam } from '../src/predictor/network/adam.ts';
import { allocateBatch, type InputDims } from '../src/predictor/network/batch.ts';
import { DeepKernelEngine } from '../src/predictor/network/engine.ts';
import { Random } from '../src/util/random.ts';
import { sharedMetadataset } from './predictor-shared.ts';

// Speed of the predictor (npm run bench:predictor): ms per online refit step (full batch, forward +
// backward + Adam) and per posterior of 400 candidates at several n, and ms per meta-training iteration.
// Medians of wall time and of this process's CPU time (the machine is shared: CPU time is the steadier one).
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,500,1000,2000' },
    repeats: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '500' },
    linalg: { type: 'string', default: 'wasm' },
  },
});

const TORCH_F64 = { step: { 500: 26, 1000: 91, 2000: 421 } as Record<number, number>, posterior: { 500: 14, 1000: 46, 2000: 198 } as Record<number, number> };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
}

function time(repeats: number, f: () => void): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const { tf, backend } = await loadTf();
const linalg = values.linalg === 'js' ? 'js' : 'wasm';
// NOTE: the real encoder's widths on quicktune-extended (43 model, 49 hyperparameter, 4 meta-feature columns).
const dims: InputDims = { modelDim: 43, hpDim: 49, metaDim: 4, maxEpochs: 50 };
const engine = new DeepKernelEngine(
  tf,
  dims,
  { kernel: 'rbf', noise: 'split', dropout: 0.25, priorMean: 'last-observed', scoreScale: { mean: 0.3, std: 0.3 } },
  new ExactGp(createLinalg(linalg)),
);
const rng = new Random(1);
const theta = engine.layout.initialise(rng);
const repeats = Number(values.repeats);
const load = loadavg()[0]!.toFixed(2);
let warmed = false;
const rows: string[][] = [];
// NOTE: the first size also pays for JIT compilation and wasm memory growth; a throw-away size takes it.
for (const n of [64, ...values.sizes.split(',').map(Number)]) {
  const batch = allocateBatch(dims, n);
  for (const a of [batch.model, batch.hp, batch.meta, batch.budget]) for (let i = 0; i < a.length; i++) a[i] = rng.next();
  for (let i = 0; i < n; i++) {
    const epoch = 1 + rng.int(dims.maxEpochs);
    batch.budget[i] = epoch / dims.maxEpochs;
    for (let e = 0; e < epoch - 1; e++) batch.curve[i * dims.maxEpochs + e] = 0.2 + 0.5 * rng.next();
    if (epoch > 1) {
      batch.last[i] = batch.curve[i * dims.maxEpochs + epoch - 2]!;
      batch.hasLast[i] = 1;
    }
  }
  const y = Float64Array.from({ length: n }, () => rng.normal());
  const cost = Float64Array.from({ length: n }, () => rng.normal());
  const work = Float64Array.from(theta);
  const adam = new Adam(work.length);
  const dropout = new Random(2);
  // NOTE: warm-up (JIT, wasm memory growth) before timing.
  for (let w = 0; w < 3; w++) adam.step(work, engine.step(work, batch, y, cost, dropout).grad, 1e-3);
  const step = time(repeats, () => adam.step(work, engine.step(work, batch, y, cost, dropout).grad, 1e-3));
  const queries = allocateBatch(dims, 400);
  queries.model.set(batch.model.subarray(0, Math.min(n, 400) * dims.modelDim));
  engine.condition(work, batch, y);
  const posterior = time(repeats, () => engine.posterior(work, queries));
  const condition = time(repeats, () => engine.condition(work, batch, y));
  if (rows.length === 0 && n === 64 && !warmed) {
    warmed = true;
    rows.push([]);
    continue;
  }
  rows.push([
    String(n),
    `${step.wall.toFixed(1)} / ${step.cpu.toFixed(1)}`,
    String(TORCH_F64.step[n] ?? '-'),
    `${condition.wall.toFixed(1)} / ${condition.cpu.toFixed(1)}`,
    `${posterior.wall.toFixed(1)} / ${posterior.cpu.toFixed(1)}`,
    String(TORCH_F64.posterior[n] ?? '-'),
  ]);
}

const header = ['n', 'refit step ms (wall / cpu)', 'torch f64', 'condition ms', 'posterior 400 ms', 'torch f64'];
rows.shift();
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(`tfjs backend ${backend}, Float64 kernels ${linalg}, load average ${load} (2 cores)\n`);
process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);

const dir = existsSync(join(sharedMetadataset(), 'curves.csv')) ? sharedMetadataset() : undefined;
if (dir !== undefined && Number(values.iterations) > 0) {
  const meta = await loadMetaDataset(dir);
  const iterations = Number(values.iterations);
  const variants: Array<[string, Recipe]> = [
    ['no validation', { validationEpisodes: 0 }],
    ['paper recipe (32+32 random points, 8 episodes every 20 its)', RECIPES.paper],
    ['quicktune recipe (search-like episodes, 8 every 20 its)', RECIPES.quicktune],
  ];
  process.stdout.write(`meta-training on ${meta.name}, batch 32 (PyTorch: 2.1 ms per iteration, ~20 s for 10 000):\n`);
  for (const [label, recipe] of variants) {
    const c0 = process.cpuUsage();
    const { seconds } = await metaTrain({ ...recipe, metaDataset: meta, iterations, seed: 0 });
    const c = process.cpuUsage(c0);
    process.stdout.write(
      `  ${label}: ${((seconds * 1000) / iterations).toFixed(2)} ms per iteration wall, ` +
        `${((c.user + c.system) / 1000 / iterations).toFixed(2)} ms CPU; 10 000 iterations ≈ ${((seconds / iterations) * 10_000).toFixed(0)} s\n`,
    );
  }
  process.stdout.write(`load average after: ${loadavg()[0]!.toFixed(2)}\n`);
} else {
  process.stdout.write('meta-training: skipped (the shared meta-dataset is not beside the project, or --iterations 0)\n');
}
