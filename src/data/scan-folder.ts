import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { FolderLayout } from './types.ts';

/** Extensions considered images (lower case, with the dot). BMP is decoded by quicktune itself. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif', '.heic', '.heif',
]);

export interface ScannedClass {
  readonly name: string;
  /** Absolute paths of the image files under the class folder (recursively), sorted. */
  readonly files: readonly string[];
}

export interface ScannedFolder {
  readonly dir: string;
  readonly layout: FolderLayout;
  /** DIR/<class> for class-folders; DIR/train/<class> for train-val. */
  readonly train: readonly ScannedClass[];
  /** DIR/val/<class>; empty for class-folders. */
  readonly val: readonly ScannedClass[];
  /** Files directly inside a folder that should only hold class folders (ignored). */
  readonly strayFiles: number;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a directory entry is a folder, following symbolic links (datasets are often built from links). */
async function entryIsDirectory(dir: string, entry: { name: string; isDirectory(): boolean; isSymbolicLink(): boolean }): Promise<boolean> {
  if (entry.isDirectory()) return true;
  return entry.isSymbolicLink() && (await isDirectory(join(dir, entry.name)));
}

async function listImages(dir: string, out: string[], depth = 0): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // NOTE: the depth limit stops a symbolic-link cycle.
    if (await entryIsDirectory(dir, entry)) {
      if (depth < 16) await listImages(path, out, depth + 1);
    } else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path);
  }
}

/** The class folders directly under `dir` (sorted by name) with their image files; files outside them are counted. */
export async function scanClasses(dir: string): Promise<{ classes: ScannedClass[]; strayFiles: number }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const classes: ScannedClass[] = [];
  let strayFiles = 0;
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    if (!(await entryIsDirectory(dir, entry))) {
      strayFiles++;
      continue;
    }
    const files: string[] = [];
    await listImages(join(dir, entry.name), files);
    files.sort();
    if (files.length > 0) classes.push({ name: entry.name, files });
  }
  return { classes, strayFiles };
}

/**
 * Finds the layout and the image files of a dataset folder. `DIR/train` + `DIR/val` (both present) select
 * the train-val layout; otherwise every sub-folder of DIR is a class. Class folders without images are ignored.
 */
export async function scanFolder(dirArg: string): Promise<ScannedFolder> {
  const dir = resolve(dirArg);
  if (!(await isDirectory(dir))) throw new InputError(`${dirArg}: dataset folder not found (or not a folder)`);
  const trainDir = join(dir, 'train');
  const valDir = join(dir, 'val');
  if ((await isDirectory(trainDir)) && (await isDirectory(valDir))) {
    const train = await scanClasses(trainDir);
    const val = await scanClasses(valDir);
    return { dir, layout: 'train-val', train: train.classes, val: val.classes, strayFiles: train.strayFiles + val.strayFiles };
  }
  const { classes, strayFiles } = await scanClasses(dir);
  return { dir, layout: 'class-folders', train: classes, val: [], strayFiles };
}
