import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { InputError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import { mapLimit, probeImage, type ImageProbe } from './image-io.ts';
import { computeMetaFeatures } from './meta-features.ts';
import { scanFolder, type ScannedClass } from './scan-folder.ts';
import { DEFAULT_VAL_FRACTION, stratifiedSplit } from './split.ts';
import type { ImageFolderDataset, ImageSample } from './types.ts';

export interface LoadImageFolderOptions {
  /** Validation share per class for folders without val/ (default {@link DEFAULT_VAL_FRACTION}). */
  readonly valFraction?: number;
  /** Seed of the split; fixed (default 0) so that every pipeline of a search sees the same split. */
  readonly splitSeed?: number;
  /** Files probed concurrently. */
  readonly concurrency?: number;
}

type Probed = { path: string; probe: ImageProbe } | { path: string; error: string };

async function probeAll(paths: readonly string[], concurrency: number): Promise<Map<string, Probed>> {
  const probed = await mapLimit(paths, concurrency, async (path): Promise<Probed> => {
    try {
      return { path, probe: await probeImage(path) };
    } catch (error) {
      return { path, error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unreadable' };
    }
  });
  return new Map(probed.map((p) => [p.path, p]));
}

function samplesOf(cls: ScannedClass, label: number, probed: Map<string, Probed>): ImageSample[] {
  const out: ImageSample[] = [];
  for (const path of cls.files) {
    const p = probed.get(path);
    if (p && 'probe' in p) out.push({ path, label, width: p.probe.width, height: p.probe.height, channels: p.probe.channels });
  }
  return out;
}

function fingerprint(dir: string, classes: readonly string[], train: readonly ImageSample[], val: readonly ImageSample[], probed: Map<string, Probed>): string {
  const hash = createHash('sha256').update(JSON.stringify(classes));
  for (const [part, samples] of [['train', train], ['val', val]] as const) {
    for (const s of samples) {
      const p = probed.get(s.path);
      const stamp = p && 'probe' in p ? `${p.probe.bytes}:${Math.round(p.probe.mtimeMs)}` : '';
      hash.update(`${part}\t${relative(dir, s.path)}\t${s.label}\t${stamp}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Scans, validates and splits an image folder: `DIR/<class>/*` (a seeded, stratified validation split is
 * held out) or `DIR/train/<class>` + `DIR/val/<class>`. Unreadable images are skipped with one warning; a
 * missing or empty folder, a single class or no readable image at all is an InputError naming the folder.
 */
export async function loadImageFolder(dir: string, options: LoadImageFolderOptions = {}): Promise<ImageFolderDataset> {
  const log = getLogger('data');
  const scanned = await scanFolder(dir);
  const where = scanned.layout === 'train-val' ? `${dir} (train/ and val/)` : dir;
  const expected = 'expected DIR/<class>/<image> or DIR/train/<class>/<image> + DIR/val/<class>/<image>';
  if (scanned.train.length === 0) throw new InputError(`${where}: no class folder with images found (${expected})`);
  const classes = scanned.train.map((c) => c.name);
  const unknown = scanned.val.filter((c) => !classes.includes(c.name)).map((c) => c.name);
  if (unknown.length > 0) {
    throw new InputError(unknown.map((name) => `${join(dir, 'val', name)}: class '${name}' has no folder in ${join(dir, 'train')}`));
  }
  const allFiles = [...scanned.train, ...scanned.val].flatMap((c) => c.files);
  const probed = await probeAll(allFiles, options.concurrency ?? 8);
  const skipped = [...probed.values()].flatMap((p) => ('error' in p ? [{ path: p.path, reason: p.error }] : []));
  if (skipped.length === allFiles.length) {
    throw new InputError(`${where}: none of the ${allFiles.length} image files could be read (first: ${skipped[0]?.path}: ${skipped[0]?.reason})`);
  }
  if (skipped.length > 0) {
    log.warn({ skipped: skipped.length, examples: skipped.slice(0, 5) }, `${dir}: skipped ${skipped.length} unreadable image file(s)`);
  }
  if (scanned.strayFiles > 0) log.warn({ files: scanned.strayFiles }, `${dir}: ignored ${scanned.strayFiles} file(s) outside class folders`);

  const trainByClass = scanned.train.map((c, label) => samplesOf(c, label, probed));
  const readableClasses = classes.filter((_, label) => (trainByClass[label]?.length ?? 0) > 0);
  if (readableClasses.length < 2) {
    const only = readableClasses[0] ?? classes[0] ?? '';
    throw new InputError(`${where}: only one class ('${only}') has readable images; classification needs at least 2`);
  }
  let train: ImageSample[];
  let val: ImageSample[];
  let valFraction: number | null = null;
  if (scanned.layout === 'train-val') {
    train = trainByClass.flat();
    val = scanned.val.flatMap((c) => samplesOf(c, classes.indexOf(c.name), probed));
    if (val.length === 0) throw new InputError(`${join(dir, 'val')}: no readable validation image`);
  } else {
    valFraction = options.valFraction ?? DEFAULT_VAL_FRACTION;
    if (!(valFraction > 0 && valFraction < 1)) throw new InputError(`validation fraction must be in (0, 1), got ${valFraction}`);
    ({ train, val } = stratifiedSplit(trainByClass, valFraction, options.splitSeed ?? 0));
    const single = classes.filter((_, label) => trainByClass[label]?.length === 1);
    if (single.length > 0) log.warn({ classes: single }, `${dir}: ${single.length} class(es) have a single image and no validation image`);
  }
  const emptyTrain = classes.filter((_, label) => !train.some((s) => s.label === label));
  if (emptyTrain.length > 0) log.warn({ classes: emptyTrain }, `${dir}: class(es) without readable training images`);
  return {
    dir: scanned.dir,
    layout: scanned.layout,
    classes,
    train,
    val,
    metaFeatures: computeMetaFeatures(train, val, classes.length),
    skipped,
    valFraction,
    fingerprint: fingerprint(scanned.dir, classes, train, val, probed),
  };
}
