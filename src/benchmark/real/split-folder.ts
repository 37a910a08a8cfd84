import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';
import { scanFolder } from '../../data/scan-folder.ts';
import { stratifiedSplit } from '../../data/split.ts';
import { InputError } from '../../errors.ts';

/** Shares of each class held out when a folder has no split of its own. */
export const TEST_FRACTION = 0.2;
export const VAL_FRACTION = 0.2;

/** Where a benchmark's searches and its test scoring read their images. */
export interface BenchmarkSplit {
  /** A train-val folder (`train/`, `val/`): what every search sees. */
  readonly search: string;
  /** A class folder the incumbents are scored on; no search ever sees it. */
  readonly test: string;
  readonly classes: readonly string[];
  readonly images: { readonly train: number; readonly val: number; readonly test: number };
  /** 'given': the folder's own train/val/test; 'seeded': made once by the benchmark. */
  readonly origin: 'given' | 'seeded';
}

const Manifest = z.object({
  dataset: z.string(),
  seed: z.number().int(),
  classes: z.array(z.string()),
  parts: z.object({ train: z.array(z.string()), val: z.array(z.string()), test: z.array(z.string()) }),
});

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The benchmark's split of `dataset`: its own `train/`, `val/` and `test/` when it has all three, otherwise a
 * seeded, stratified train / validation / test split made once under `<work>/data` as symbolic links (so a
 * rerun of the benchmark on the same folder reuses it, and nothing is copied).
 */
export async function benchmarkSplit(dataset: string, work: string, seed = 0): Promise<BenchmarkSplit> {
  const given = await Promise.all(['train', 'val', 'test'].map((part) => isDirectory(join(dataset, part))));
  if (given.every(Boolean)) {
    const search = await scanFolder(dataset);
    const test = await scanFolder(join(dataset, 'test'));
    return {
      search: dataset,
      test: join(dataset, 'test'),
      classes: search.train.map((c) => c.name),
      images: { train: count(search.train), val: count(search.val), test: count(test.train) },
      origin: 'given',
    };
  }
  const scanned = await scanFolder(dataset);
  if (scanned.layout !== 'class-folders') {
    throw new InputError(`--dataset ${dataset}: has train/ and val/ but no test/: add a test/ folder, or give the class folders and let the benchmark split them`);
  }
  const classes = scanned.train.map((c) => c.name);
  const outer = stratifiedSplit(scanned.train.map((c) => c.files), TEST_FRACTION, seed);
  const testSet = new Set(outer.val);
  const inner = stratifiedSplit(scanned.train.map((c) => c.files.filter((f) => !testSet.has(f))), VAL_FRACTION, seed + 1);
  const parts = { train: inner.train, val: inner.val, test: outer.val };
  const root = join(work, 'data');
  const manifestFile = join(root, 'split.json');
  const wanted = { dataset, seed, classes, parts: { train: rel(dataset, parts.train), val: rel(dataset, parts.val), test: rel(dataset, parts.test) } };
  const existing = await readManifest(manifestFile);
  if (!existing || JSON.stringify(existing) !== JSON.stringify(wanted)) {
    await rm(root, { recursive: true, force: true });
    const classOf = (file: string): string => classes.find((c, i) => scanned.train[i]?.files.includes(file)) ?? classes[0] ?? '';
    for (const [part, files] of [['search/train', parts.train], ['search/val', parts.val], ['test', parts.test]] as const) {
      for (const file of files) {
        const folder = join(root, part, classOf(file));
        await mkdir(folder, { recursive: true });
        // NOTE: the relative path is flattened into the link name, so images of sub-folders never collide.
        await symlink(file, join(folder, relative(join(dataset, classOf(file)), file).split('/').join('__') || basename(file)));
      }
    }
    await writeFile(manifestFile, `${JSON.stringify(wanted)}\n`);
  }
  return {
    search: join(root, 'search'),
    test: join(root, 'test'),
    classes,
    images: { train: parts.train.length, val: parts.val.length, test: parts.test.length },
    origin: 'seeded',
  };
}

function count(classes: ReadonlyArray<{ readonly files: readonly string[] }>): number {
  return classes.reduce((sum, c) => sum + c.files.length, 0);
}

function rel(dataset: string, files: readonly string[]): string[] {
  return files.map((f) => relative(dataset, f)).sort();
}

async function readManifest(file: string): Promise<z.infer<typeof Manifest> | undefined> {
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
