/**
 * The tfjs trainer's cost model against measured steps: creates the real trainer (worker process) on an image
 * folder, times costModel() (the start-up probe), then trains a spread of configs for a few epochs each and
 * prints predicted / measured step seconds per step, and the median and worst ratios (worst = farthest from
 * 1 either way). Epoch-1 steps are marked cold when no earlier step of the bench cached the same model's
 * frozen-prefix features (the cost model assumes cold: a pure function cannot know).
 *
 * On a shared machine the wall clock mixes the model's error with other processes' load, which changes
 * between the probe and each step; the cost model's terms are CPU seconds (times the contention measured while
 * probing), so the bench also prints predicted CPU seconds / the step's CPU seconds: the model's own error.
 *
 * node dist/bench/cost-model.js [--dataset DIR] [--configs quick|spread] [--out FILE.json]
 *
 * Default dataset: ../shared/images/stamps.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configId } from '../src/space/pool.ts';
import type { Config } from '../src/space/types.ts';
import { TFJS_DEFAULT_CONFIG } from '../src/trainers/tfjs/default-config.ts';
import { createTfjsTrainer } from '../src/trainers/tfjs/tfjs-trainer.ts';
import { parseSettings } from '../src/trainers/tfjs/settings.ts';
import { sharedDir } from '../test/helpers/paths.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    configs: { type: 'string', default: 'spread' },
    out: { type: 'string' },
  },
});

const MOBILE = 'mobilenet_v2_100_nsfwjs';
const MOBILE_140 = 'mobilenet_v2_140_nsfwjs';
const INCEPTION = 'inception_v3_nsfwjs';

/** One bench entry: a config (over the tfjs default) and how many epochs to train it. */
interface Entry {
  readonly config: Partial<Config>;
  readonly epochs: number;
}

const variant = (model: string, pct: number, batch: number, epochs: number, extra: Partial<Config> = {}): Entry => ({
  config: { model, pct_to_freeze: pct, batch_size: batch, ...extra },
  epochs,
});

/**
 * All three models, freeze depths 0..1, batch sizes 2..64, optimizers, augmentation and mixing; InceptionV3 is
 * trained down to a 0.4 depth (85% of its weights): deeper costs minutes of CPU per epoch.
 */
const SPREAD: readonly Entry[] = [
  variant(MOBILE, 1, 32, 3),
  variant(MOBILE, 0.8, 32, 2),
  variant(MOBILE, 0.8, 4, 2, { opt: 'sgd' }),
  variant(MOBILE, 0.6, 16, 2, { opt: 'adamw', weight_decay: 0.01 }),
  variant(MOBILE, 0.4, 64, 2),
  variant(MOBILE, 0.2, 8, 2, { opt: 'momentum' }),
  variant(MOBILE, 0, 32, 2),
  variant(MOBILE, 0.8, 16, 2, { data_augmentation: 'trivial_augment' }),
  variant(MOBILE, 0.6, 32, 2, { mixup: 0.4, cutmix: 1, mixup_prob: 1 }),
  variant(MOBILE, 1, 2, 2, { opt: 'adamp' }),
  variant(MOBILE_140, 1, 32, 2),
  variant(MOBILE_140, 0.8, 8, 2),
  variant(MOBILE_140, 0.4, 32, 2, { clip_grad: 1, sp_reg: 0.01 }),
  variant(MOBILE_140, 0, 16, 1, { opt: 'adamp' }),
  variant(INCEPTION, 1, 16, 2),
  variant(INCEPTION, 0.8, 32, 2),
  variant(INCEPTION, 0.8, 2, 2, { opt: 'sgd' }),
  variant(INCEPTION, 0.6, 64, 2, { data_augmentation: 'random_augment', ra_num_ops: 2, ra_magnitude: 9 }),
  variant(INCEPTION, 0.4, 16, 1),
];

const QUICK: readonly Entry[] = [variant(MOBILE, 1, 32, 2), variant(MOBILE, 0.8, 8, 2), variant(MOBILE_140, 0.6, 32, 2), variant(INCEPTION, 1, 32, 2)];

interface Row {
  readonly model: string;
  readonly pct: number;
  readonly batch: number;
  readonly extra: string;
  readonly epoch: number;
  readonly kind: 'epoch 1 cold' | 'epoch 1 warm' | 'later epoch';
  readonly predicted: number;
  readonly measured: number;
  /** Predicted and measured CPU seconds (the prediction without the contention factor). */
  readonly predictedCpu: number;
  readonly measuredCpu: number;
  readonly load: number;
}

const load1 = (): number => loadavg()[0] ?? 0;
const loadText = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

function summary(rows: readonly Row[], ratio: (r: Row) => number): string {
  if (rows.length === 0) return 'no steps';
  const ratios = rows.map(ratio).sort((a, b) => a - b);
  const median = ratios[ratios.length >> 1] ?? Number.NaN;
  const worst = ratios.reduce((w, r) => (Math.abs(Math.log(r)) > Math.abs(Math.log(w)) ? r : w), 1);
  const within2 = ratios.filter((r) => r >= 0.5 && r <= 2).length;
  const within10 = ratios.filter((r) => r >= 0.1 && r <= 10).length;
  return `${rows.length} steps: median ratio ${median.toFixed(2)}, worst ${worst.toFixed(2)}, within 2x ${within2}/${rows.length}, within 10x ${within10}/${rows.length}`;
}

async function main(): Promise<void> {
  const dataset = resolve(values.dataset ?? join(sharedDir(), 'images', 'stamps'));
  if (!existsSync(dataset)) throw new Error(`${dataset} not found (give --dataset DIR)`);
  const entries = values.configs === 'quick' ? QUICK : SPREAD;
  const runDir = await mkdtemp(join(tmpdir(), 'qt-bench-cost-'));
  const startLoad = loadText();
  const trainer = await createTfjsTrainer({ dataset, runDir, seed: 0 });
  const rows: Row[] = [];
  try {
    let since = performance.now();
    const predict = await trainer.costModel();
    const startup = (performance.now() - since) / 1000;
    console.error(`costModel(): ${startup.toFixed(1)} s (probes ${trainer.lastCostProfile?.seconds.toFixed(1)} s), load ${loadText()}`);
    const warmKeys = new Set<string>();
    for (const entry of entries) {
      const config: Config = { ...TFJS_DEFAULT_CONFIG, ...entry.config } as Config;
      const id = configId(config);
      const settings = parseSettings(config);
      const extra = Object.entries(entry.config).filter(([k]) => !['model', 'pct_to_freeze', 'batch_size'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
      for (let epoch = 1; epoch <= entry.epochs; epoch++) {
        const predicted = predict.seconds(config, epoch);
        if (predicted === undefined) throw new Error(`no prediction for ${JSON.stringify(entry.config)}`);
        since = performance.now();
        const outcome = await trainer.train({ configId: id, config, epoch, maxEpochs: 50, checkpointDir: join(runDir, 'checkpoints', id), signal: new AbortController().signal });
        const report = trainer.lastReport;
        const key = `${settings.model}|${report?.frozenLayers}|${report?.cachedFeatures}`;
        const kind = epoch > 1 ? 'later epoch' : warmKeys.has(key) ? 'epoch 1 warm' : 'epoch 1 cold';
        warmKeys.add(key);
        const contention = trainer.lastCostProfile?.contention ?? 1;
        const row: Row = {
          model: settings.model, pct: settings.pctToFreeze, batch: settings.batchSize, extra, epoch, kind, predicted, measured: outcome.seconds,
          predictedCpu: predicted / contention, measuredCpu: report?.cpuSeconds ?? Number.NaN, load: load1(),
        };
        rows.push(row);
        console.error(
          `${row.model} pct ${row.pct} bs ${row.batch} ${extra} epoch ${epoch} (${kind}): predicted ${predicted.toFixed(2)} s, measured ${outcome.seconds.toFixed(2)} s (ratio ${(predicted / outcome.seconds).toFixed(2)}); CPU ${row.predictedCpu.toFixed(2)} / ${row.measuredCpu.toFixed(2)} s (ratio ${(row.predictedCpu / row.measuredCpu).toFixed(2)}); load ${loadText()}`,
        );
      }
    }
    const profile = trainer.lastCostProfile;
    console.log(`dataset ${dataset}; backend ${profile?.backend}; costModel() ${startup.toFixed(1)} s (contention while probing ${profile?.contention.toFixed(2)}); load average ${startLoad} at start, ${loadText()} at end (1/5/15 min)`);
    console.log('| model | pct_to_freeze | batch | other | epoch | predicted s | measured s | ratio | predicted CPU s | measured CPU s | CPU ratio | load |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const epoch = `${r.epoch}${r.kind === 'later epoch' ? '' : r.kind === 'epoch 1 cold' ? ' (cold)' : ' (warm)'}`;
      console.log(
        `| ${r.model} | ${r.pct} | ${r.batch} | ${r.extra} | ${epoch} | ${r.predicted.toFixed(2)} | ${r.measured.toFixed(2)} | ${(r.predicted / r.measured).toFixed(2)} | ${r.predictedCpu.toFixed(2)} | ${r.measuredCpu.toFixed(2)} | ${(r.predictedCpu / r.measuredCpu).toFixed(2)} | ${r.load.toFixed(1)} |`,
      );
    }
    console.log('');
    const wall = (r: Row): number => r.predicted / r.measured;
    const cpu = (r: Row): number => r.predictedCpu / r.measuredCpu;
    for (const [name, ratio] of [['wall', wall], ['CPU', cpu]] as const) {
      console.log(`${name}, all: ${summary(rows, ratio)}`);
      for (const kind of ['epoch 1 cold', 'epoch 1 warm', 'later epoch'] as const) console.log(`${name}, ${kind}: ${summary(rows.filter((r) => r.kind === kind), ratio)}`);
    }
    if (values.out) await writeFile(values.out, JSON.stringify({ dataset, startup, profile: trainer.lastCostProfile, rows }, null, 2));
  } finally {
    await trainer.close();
    await rm(runDir, { recursive: true, force: true });
  }
}

await main();
