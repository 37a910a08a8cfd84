import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../errors.ts';

/** The two Quick-Tune release layouts (docs/metadataset-format.md). */
export type ReleaseVariant = 'release' | 'table';

/** A located release: the folder of one meta-dataset version and its variant. */
export interface LocatedRelease {
  readonly variant: ReleaseVariant;
  /** The version folder (e.g. `.../qt_metadataset/micro` or `.../.mtlbm/extended`). */
  readonly dir: string;
  /** Its name, e.g. `micro`, `extended`. */
  readonly version: string;
}

/** Files of each variant, relative to the version folder. */
export const RELEASE_FILES = ['eval_top1.json', 'train_time.json', 'eval_time.json', 'args.json'] as const;
export const TABLE_FILES = ['curves/perf.json', 'curves/cost.json', 'table.csv', 'meta/descriptors.json'] as const;

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

/** The variant a folder holds, by its key file; null when it holds neither. */
async function variantOf(dir: string): Promise<ReleaseVariant | null> {
  if (await isFile(join(dir, 'eval_top1.json'))) return 'release';
  if ((await isFile(join(dir, 'table.csv'))) || (await isFile(join(dir, 'curves', 'perf.json')))) return 'table';
  return null;
}

/**
 * Finds the version folder under SRC: SRC itself, SRC/qt_metadataset, or one subfolder of either. Several
 * versions side by side are a usage error naming them; a partial layout names the files it lacks.
 */
export async function locateRelease(src: string): Promise<LocatedRelease> {
  if (!(await isDir(src))) throw new InputError(`${src}: folder not found`, 'import.notFound');
  const roots = [src, join(src, 'qt_metadataset')];
  for (const root of roots) {
    if (!(await isDir(root))) continue;
    const here = await variantOf(root);
    if (here !== null) return checkComplete({ variant: here, dir: root, version: basename(root) === '' ? root : basename(root) });
    const entries = await readdir(root, { withFileTypes: true });
    const found: LocatedRelease[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!entry.isDirectory()) continue;
      const variant = await variantOf(join(root, entry.name));
      if (variant !== null) found.push({ variant, dir: join(root, entry.name), version: entry.name });
    }
    if (found.length === 1 && found[0] !== undefined) return checkComplete(found[0]);
    if (found.length > 1) {
      throw new InputError(
        `${root}: holds several Quick-Tune versions (${found.map((f) => f.version).join(', ')}); give one of them as SRC, e.g. ${found[0]?.dir}`,
        'import.ambiguous',
      );
    }
  }
  throw new InputError(
    [
      `${src}: not a Quick-Tune release folder; looked in ${src}, ${join(src, 'qt_metadataset')} and their subfolders for`,
      `  either <version>/${RELEASE_FILES.join(', ')} with dataset-meta-features/<set>/meta-features.json beside <version>,`,
      `  or <version>/${TABLE_FILES.join(', ')}`,
    ],
    'import.notRelease',
  );
}

async function checkComplete(located: LocatedRelease): Promise<LocatedRelease> {
  const files = located.variant === 'release' ? RELEASE_FILES : TABLE_FILES;
  const missing: string[] = [];
  for (const file of files) if (!(await isFile(join(located.dir, file)))) missing.push(join(located.dir, file));
  if (missing.length > 0) {
    const kind = located.variant === 'release' ? 'a Quick-Tune release (eval_top1.json layout)' : 'a Quick-Tune release (table.csv layout)';
    throw new InputError(missing.map((path) => `${path}: file not found (${kind} needs ${files.join(', ')})`), 'import.missingFile');
  }
  return located;
}

/**
 * The meta-features file of the eval_top1.json layout: `dataset-meta-features/<set>/meta-features.json`
 * beside the version folder, with set `meta-album` for Meta-Album versions (micro, mini, extended).
 */
export async function locateMetaFeatures(located: LocatedRelease): Promise<string> {
  const base = join(dirname(located.dir), 'dataset-meta-features');
  const preferred = ['micro', 'mini', 'extended'].includes(located.version) ? 'meta-album' : located.version;
  const expected = join(base, preferred, 'meta-features.json');
  if (await isFile(expected)) return expected;
  const others: string[] = [];
  if (await isDir(base)) {
    for (const entry of await readdir(base, { withFileTypes: true })) {
      const candidate = join(base, entry.name, 'meta-features.json');
      if (entry.isDirectory() && (await isFile(candidate))) others.push(candidate);
    }
  }
  // NOTE: a single other set is unambiguous; with several, guessing could pair curves with the wrong datasets.
  if (others.length === 1 && others[0] !== undefined) return others[0];
  throw new InputError(`${expected}: file not found (the datasets' meta-features of a Quick-Tune release)`, 'import.missingFile');
}
