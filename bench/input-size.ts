/**
 * The input-size rule against the hub's (pretraining) input size: validation accuracy and seconds per epoch of
 * the tfjs trainer (in-process engine, wasm backend) on real image folders, per model and config. Epoch 1
 * includes decoding the images and caching the frozen layers' activations; "later s" is the mean of the
 * later epochs. Prints a Markdown table.
 *
 * node dist/bench/input-size.js [--datasets DIR,DIR] [--models a,b] [--configs probe,top] [--sizes rule,hub,96] [--epochs N] [--seeds N]
 *
 * Default datasets: ../shared/images/stamps (skipped when absent) and examples/shapes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTf } from '../src/backend/tfjs-backend.ts';
import { medianCropSide } from '../src/data/image-side.ts';
import { loadImageFolder } from '../src/data/load-image-folder.ts';
import { loadModelHub } from '../src/hub/model-hub.ts';
import type { Config } from '../src/space/types.ts';
import { FinetuneEngine } from '../src/trainers/tfjs/engine.ts';
import { inputSizeForModel } from '../src/trainers/tfjs/input-size.ts';
import { projectRoot, sharedDir } from '../test/helpers/paths.ts';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string' },
    models: { type: 'string', default: 'mobilenet_v2_100_nsfwjs,mobilenet_v2_140_nsfwjs,inception_v3_nsfwjs' },
    configs: { type: 'string', default: 'probe,top' },
    epochs: { type: 'string', default: '8' },
    seeds: { type: 'string', default: '2' },
    sizes: { type: 'string', default: 'rule,hub' },
  },
});

/** The configs compared: the hand-picked linear probe, and finetuning the top fifth of the backbone. */
const CONFIGS: Readonly<Record<string, Omit<Config, 'model'>>> = {
  probe: { lr: 0.001, batch_size: 32, opt: 'adam', pct_to_freeze: 1, sched: 'cosine' },
  top: { lr: 0.0001, batch_size: 32, opt: 'adam', pct_to_freeze: 0.8, sched: 'cosine' },
};

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

function defaultDatasets(): string[] {
  const stamps = join(sharedDir(), 'images', 'stamps');
  const out = existsSync(stamps) ? [stamps] : [];
  if (out.length === 0) console.error(`${stamps} not found: measuring examples/shapes only`);
  return [...out, join(projectRoot(), 'examples', 'shapes')];
}

async function main(): Promise<void> {
  const started = load();
  const { tf, backend } = await loadTf();
  const hub = await loadModelHub();
  const epochs = Number(values.epochs);
  const seeds = Number(values.seeds);
  const rows: string[] = [];
  for (const dataset of (values.datasets ? list(values.datasets) : defaultDatasets()).map((d) => resolve(d))) {
    const scanned = await loadImageFolder(dataset);
    const side = medianCropSide([...scanned.train, ...scanned.val]);
    for (const model of list(values.models)) {
      const entry = hub.models.find((m) => m.name === model);
      if (!entry) throw new Error(`${model} is not in the model hub`);
      const rule = inputSizeForModel(entry, undefined, side).size;
      const sizes = [...new Set(list(values.sizes).map((wanted) => {
        if (wanted === 'rule') return rule;
        if (wanted === 'hub') return entry.input_size;
        const px = Number(wanted);
        if (!Number.isInteger(px) || px < 1) throw new Error(`--sizes: expected rule, hub or a size in px, got ${wanted}`);
        return px;
      }))];
      for (const size of sizes) {
        for (const name of list(values.configs)) {
          const base = CONFIGS[name];
          if (!base) throw new Error(`unknown config ${name} (${Object.keys(CONFIGS).join(', ')})`);
          const best: number[] = [];
          const last: number[] = [];
          const first: number[] = [];
          const later: number[] = [];
          for (let seed = 0; seed < seeds; seed++) {
            const root = await mkdtemp(join(tmpdir(), 'qt-bench-size-'));
            // NOTE: one engine per run, so every run pays the same decoding and caching in its epoch 1.
            const engine = new FinetuneEngine(tf, { dataset, seed, inputSize: size });
            const scores: number[] = [];
            for (let epoch = 1; epoch <= epochs; epoch++) {
              const report = await engine.run(
                { configId: `${model}-${name}`, config: { model, ...base }, epoch, maxEpochs: 50, checkpointDir: root },
                new AbortController().signal,
              );
              scores.push(report.score);
              (epoch === 1 ? first : later).push(report.seconds);
            }
            await engine.dispose();
            await rm(root, { recursive: true, force: true });
            best.push(Math.max(...scores));
            last.push(scores.at(-1) ?? Number.NaN);
          }
          const label = size === entry.input_size ? `${size} (hub)` : size === rule ? `${size} (rule)` : `${size}`;
          const row = `| ${dataset.split(/[\\/]/).at(-1)} | ${model} | ${name} | ${label} | ${mean(last).toFixed(3)} | ${mean(best).toFixed(3)} | ${mean(first).toFixed(1)} | ${mean(later).toFixed(2)} | ${(loadavg()[0] ?? 0).toFixed(1)} |`;
          rows.push(row);
          console.error(`${row}  load ${load()}`);
        }
      }
    }
  }
  console.log(`backend ${backend}; ${epochs} epochs, ${seeds} seed(s) per row (means); load average ${started} at start, ${load()} at end (1/5/15 min)`);
  console.log('| dataset | model | config | input px | val acc (last) | val acc (best) | epoch 1 s | later s | load (1 min) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

try {
  await main();
} catch (error) {
  // NOTE: bad input (an unknown model, config or size, a folder that is not an image folder) is one line.
  process.stderr.write(`input-size: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  process.exit(2);
}
