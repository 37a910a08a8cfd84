import { join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { isDirectory, scanClasses } from './scan-folder.ts';

/** One image of a labelled folder, with its label in the model's class list. */
export interface LabelledImage {
  readonly path: string;
  readonly label: number;
}

export interface TestFolder {
  /** The folder whose class folders were read: DIR, or DIR/test. */
  readonly root: string;
  readonly images: readonly LabelledImage[];
}

/**
 * The labelled images a model is scored on: `DIR/test/<class>/...` when DIR holds a `test/` folder (the
 * train/val/test layout), otherwise `DIR/<class>/...`. Every class folder must be one of `classes` (the names
 * the model was trained with); a class may be missing. Errors name the folder (`flag` says which option gave it).
 */
export async function scanTestFolder(dirArg: string, classes: readonly string[], flag: string): Promise<TestFolder> {
  const dir = resolve(dirArg);
  if (!(await isDirectory(dir))) throw new InputError(`${flag} ${dirArg}: no such folder`);
  const test = join(dir, 'test');
  const root = (await isDirectory(test)) ? test : dir;
  const { classes: found } = await scanClasses(root);
  if (found.length === 0) throw new InputError(`${flag} ${dirArg}: no class folder with images in ${root} (expected <class>/<image> folders)`);
  const unknown = found.filter((c) => !classes.includes(c.name));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((c) => `${join(root, c.name)}: class '${c.name}' is not one the model was trained on (${classes.join(', ')})`),
      'input.classMismatch',
    );
  }
  const images = found.flatMap((c) => c.files.map((path) => ({ path, label: classes.indexOf(c.name) })));
  return { root, images };
}
