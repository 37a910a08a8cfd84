import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { tempDir, writeCorruptImage, writeSyntheticImage } from '../helpers/image-folder.ts';
import { fixturePath } from '../helpers/paths.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

const CLASSES = ['blue', 'green', 'red'];
const PER_CLASS = 6;

/** A two-pipeline space on one model (a linear probe and a partly trained backbone), so the search is short. */
const SPACE = `name: tiny
pool_size: 2
parameters:
  model: { type: categorical, choices: [mobilenet_v2_100_nsfwjs] }
  pct_to_freeze: { type: ordinal, values: [0.8, 1.0] }
  lr: { type: ordinal, values: [0.01] }
  batch_size: { type: ordinal, values: [8] }
  opt: { type: categorical, choices: [adam] }
`;

interface Setup {
  readonly root: string;
  readonly data: string;
  readonly runDir: string;
  readonly images: readonly string[];
  readonly labels: readonly number[];
  readonly search: Record<string, unknown>;
}

let setup: Setup;

/** One line on stderr that is not a JSON log line, naming the culprit; exit code 2. */
function assertBadInput(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit code 2 expected; stderr:\n${result.stderr}`);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  assert.equal(lines.length, 1, `one error line expected, got:\n${lines.join('\n')}`);
  assert.match(lines[0] ?? '', pattern);
}

function json(result: CliResult): Record<string, unknown> {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

before(async () => {
  const root = await tempDir('qt-model-');
  const data = join(root, 'imgs');
  const images: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of CLASSES.entries()) {
    await mkdir(join(data, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const path = join(data, name, `${i}.png`);
      // 64-px images: the input-size rule trains at 64 px.
      await writeSyntheticImage(path, label, 100 * label + i, { width: 64, height: 64 });
      images.push(path);
      labels.push(label);
    }
  }
  await writeFile(join(root, 'space.yaml'), SPACE);
  const runDir = join(root, 'run');
  const result = await runCli(
    ['search', '--dataset', data, '--space', join(root, 'space.yaml'), '--method', 'random', '--max-steps', '4', '--run-dir', runDir, '--json'],
    { env: { QUICKTUNE_MAX_EPOCHS: '3' }, timeoutMs: 240_000 },
  );
  setup = { root, data, runDir, images, labels, search: json(result) };
});

test('evaluate scores the incumbent; export writes a model that predict and plain tfjs run to the same answers', { timeout: 300_000 }, async () => {
  const { root, data, runDir, images, labels } = setup;
  const evaluated = json(await runCli(['evaluate', runDir, '--dataset', data, '--json']));
  assert.deepEqual(Object.keys(evaluated).sort(), ['accuracy', 'classes', 'confusion', 'images', 'per_class']);
  assert.deepEqual(evaluated.classes, CLASSES);
  assert.equal(evaluated.images, images.length);
  const confusion = evaluated.confusion as number[][];
  assert.deepEqual(confusion.map((row) => row.reduce((a, b) => a + b, 0)), [PER_CLASS, PER_CLASS, PER_CLASS]);

  const out = join(root, 'model');
  const exported = json(await runCli(['export', runDir, '--out', out, '--json']));
  assert.deepEqual((await readdir(out)).sort(), ['model.json', 'quicktune-model.json', 'weights.bin']);
  const card = JSON.parse(await readFile(join(out, 'quicktune-model.json'), 'utf8'));
  assert.deepEqual(card.classes, CLASSES);
  assert.equal(card.input.size, 64);
  const incumbent = setup.search.incumbent as { config_id: string; epoch: number };
  assert.deepEqual([card.source.config_id, card.source.epoch], [incumbent.config_id, incumbent.epoch]);
  assert.deepEqual(exported.classes, CLASSES);

  const predicted = json(await runCli(['predict', '--model', out, ...images, '--json'])).predictions as Array<{ image: string; class: string; probability: number }>;
  assert.deepEqual(predicted.map((p) => p.image), images);
  // The same images scored by evaluate (restored checkpoint) and by predict (exported model) agree exactly.
  const fromPredict = CLASSES.map(() => CLASSES.map(() => 0));
  predicted.forEach((p, i) => {
    const row = fromPredict[labels[i] ?? 0] as number[];
    row[CLASSES.indexOf(p.class)] = (row[CLASSES.indexOf(p.class)] ?? 0) + 1;
  });
  assert.deepEqual(fromPredict, confusion);
  const accuracy = predicted.filter((p, i) => CLASSES.indexOf(p.class) === labels[i]).length / images.length;
  assert.equal(evaluated.accuracy, accuracy);

  // Plain tfjs (tfjs-core + tfjs-layers on the CPU backend, nothing of quicktune) loads model.json and, with
  // the preprocessing quicktune-model.json documents, gives the same probabilities.
  const plain = await runNode(fixturePath('export', 'plain-tfjs-predict.mjs'), [out, ...images]);
  const rows = (JSON.parse(plain) as { probabilities: number[][] }).probabilities;
  rows.forEach((row, i) => {
    const best = row.indexOf(Math.max(...row));
    assert.equal(CLASSES[best], predicted[i]?.class, images[i]);
    assert.ok(Math.abs((row[best] ?? 0) - (predicted[i]?.probability ?? 0)) < 1e-4, `${images[i]}: ${row[best]} vs ${predicted[i]?.probability}`);
  });
});

test('evaluate accepts DIR/test/<class>; bad runs, folders and images are exit 2 with one line naming them', { timeout: 300_000 }, async () => {
  const { root, data, runDir } = setup;
  // DIR/test/<class> next to train/: only the test images are scored.
  const split = join(root, 'split');
  await mkdir(join(split, 'train', 'red'), { recursive: true });
  await writeSyntheticImage(join(split, 'train', 'red', 'x.png'), 2, 1, { width: 64, height: 64 });
  for (const [label, name] of CLASSES.entries()) {
    await mkdir(join(split, 'test', name), { recursive: true });
    await copyFile(join(data, name, '0.png'), join(split, 'test', name, 'a.png'));
    if (label === 0) await copyFile(join(data, name, '1.png'), join(split, 'test', name, 'b.png'));
  }
  assert.equal(json(await runCli(['evaluate', runDir, '--dataset', split, '--json'])).images, 4);

  assertBadInput(await runCli(['evaluate', join(root, 'no-run'), '--dataset', data]), /no-run: no such run directory/);
  assertBadInput(await runCli(['evaluate', runDir, '--dataset', join(root, 'no-data')]), /--dataset .*no-data: no such folder/);
  const zebra = join(root, 'zebra-set');
  await mkdir(join(zebra, 'zebra'), { recursive: true });
  await writeSyntheticImage(join(zebra, 'zebra', 'z.png'), 0, 1);
  assertBadInput(await runCli(['evaluate', runDir, '--dataset', zebra]), /zebra-set[\\/]zebra: class 'zebra' is not one the model was trained on \(blue, green, red\)/);
  const corrupt = join(root, 'corrupt-set');
  await mkdir(join(corrupt, 'red'), { recursive: true });
  await writeCorruptImage(join(corrupt, 'red', 'broken.jpg'));
  assertBadInput(await runCli(['evaluate', runDir, '--dataset', corrupt]), /broken\.jpg: not a readable image/);

  // A run without a successful step, a run whose best checkpoint is gone, a run of another trainer.
  const lines = (await readFile(join(runDir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const copyRun = async (name: string, keep: (e: Record<string, unknown>) => Record<string, unknown> | undefined): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    const kept = entries.map(keep).filter((e) => e !== undefined);
    await writeFile(join(dir, 'journal.jsonl'), `${kept.map((e) => JSON.stringify(e)).join('\n')}\n`);
    return dir;
  };
  const empty = await copyRun('run-empty', (e) => (['header', 'space', 'pool', 'session'].includes(String(e.op)) ? e : undefined));
  assertBadInput(await runCli(['export', empty, '--out', join(root, 'x')]), /run-empty: the run has no successful step yet/);
  const noCheckpoints = await copyRun('run-no-checkpoints', (e) => e);
  assertBadInput(await runCli(['evaluate', noCheckpoints, '--dataset', data]), /run-no-checkpoints[\\/]checkpoints[\\/][0-9a-f]{16}[\\/]tfjs-epoch-\d+\.qtck: the checkpoint of the run's best pipeline \(epoch \d+\) is missing/);
  const command = await copyRun('run-command', (e) => (e.op === 'header' ? { ...e, trainer: { name: 'command', command: 'train.sh', protocol: 1, timeout_s: null } } : e));
  assertBadInput(await runCli(['export', command, '--out', join(root, 'y')]), /run-command: a run of the 'command' trainer/);

  // export refuses a non-empty --out; predict refuses a folder that is no model and an unreadable image.
  const full = join(root, 'full');
  await mkdir(full);
  await writeFile(join(full, 'keep.txt'), 'mine');
  assertBadInput(await runCli(['export', runDir, '--out', full]), /--out .*full: the folder is not empty/);
  assert.equal(existsSync(join(full, 'model.json')), false);
  assertBadInput(await runCli(['predict', '--model', full, join(data, 'red', '0.png')]), /full[\\/]quicktune-model\.json: missing/);
  const model = join(root, 'model-2');
  assert.equal((await runCli(['export', runDir, '--out', model])).code, 0);
  assertBadInput(await runCli(['predict', '--model', model, join(data, 'red', '0.png'), join(corrupt, 'red', 'broken.jpg')]), /broken\.jpg: not a readable image/);
  await rm(join(model, 'weights.bin'));
  assertBadInput(await runCli(['predict', '--model', model, join(data, 'red', '0.png')]), /weights\.bin: cannot read the weights named by .*model\.json/);
});

/** Runs a Node script and returns its stdout (rejects on a non-zero exit). */
function runNode(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code}: ${stderr}`))));
  });
}
