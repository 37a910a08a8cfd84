/**
 * Seconds per epoch of the tfjs trainer (in-process engine, wasm backend) on a synthetic image folder:
 * model × pct_to_freeze × number of images. Epoch 1 includes decoding the images and caching the frozen
 * layers' activations; epoch 2 is the steady state, also in CPU seconds of this process (immune to other load).
 * Prints a Markdown table.
 *
 * node dist/bench/tfjs-trainer.js [--models a,b] [--pcts 1,0.8,0] [--images 50,200] [--size N] [--aug]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTf } from '../src/backend/tfjs-backend.ts';
import { FinetuneEngine } from '../src/trainers/tfjs/engine.ts';
import { writeClassFolders } from '../test/helpers/image-folder.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'mobilenet_v2_100_nsfwjs,mobilenet_v2_140_nsfwjs,inception_v3_nsfwjs' },
    pcts: { type: 'string', default: '1,0.8,0.4,0' },
    images: { type: 'string', default: '50,200' },
    size: { type: 'string' },
    aug: { type: 'boolean', default: false },
    classes: { type: 'string', default: '5' },
  },
});

const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
  const { tf, backend } = await loadTf();
  const classes = Array.from({ length: Number(values.classes) }, (_, i) => `class${i}`);
  const rows: string[] = [];
  for (const images of list(values.images).map(Number)) {
    const root = await mkdtemp(join(tmpdir(), 'qt-bench-'));
    // NOTE: the split holds out 20%, so `images` counts training + validation images.
    await writeClassFolders(root, classes, Math.ceil(images / classes.length));
    const engine = new FinetuneEngine(tf, { dataset: root, seed: 0, cacheDir: join(root, '.cache'), ...(values.size ? { inputSize: Number(values.size) } : {}) });
    for (const model of list(values.models)) {
      for (const pct of list(values.pcts).map(Number)) {
        const config = { model, lr: 0.001, batch_size: 32, opt: 'adamw', pct_to_freeze: pct, sched: 'cosine', ...(values.aug ? { data_augmentation: 'trivial_augment' } : {}) };
        const dir = join(root, `${model}-${pct}`);
        const signal = new AbortController().signal;
        const first = await engine.run({ configId: `${model}-${pct}`, config, epoch: 1, maxEpochs: 50, checkpointDir: dir }, signal);
        const second = await engine.run({ configId: `${model}-${pct}`, config, epoch: 2, maxEpochs: 50, checkpointDir: dir }, signal);
        const size = values.size ?? 'hub';
        rows.push(`| ${model} | ${size} | ${pct} | ${images} | ${second.cachedFeatures ? 'yes' : 'no'} | ${first.seconds.toFixed(1)} | ${second.seconds.toFixed(1)} | ${second.cpuSeconds.toFixed(1)} |`);
        console.error(rows[rows.length - 1]);
      }
    }
    await engine.dispose();
    await rm(root, { recursive: true, force: true });
  }
  const loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`backend ${backend}; load average ${loadAtStart} at start, ${loadAtEnd} at end (1/5/15 min); batch 32, adamw${values.aug ? ', trivial_augment' : ''}`);
  console.log('| model | input px | pct_to_freeze | images | cached | epoch 1 s | epoch 2 s | epoch 2 CPU s |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
