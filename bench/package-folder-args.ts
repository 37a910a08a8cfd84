import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** What a script that writes an image folder from an unpacked npm data package is given. */
export interface PackageFolderArgs {
  readonly packageDir: string;
  readonly out: string;
  readonly perClass: number;
  /** Held-out images per class for a `test/` folder of their own; 0: one class folder per class, no split. */
  readonly testPerClass: number;
}

/** Share of each class's `--per-class` images that go to `val/` when the folder is written split. */
const VAL_SHARE = 0.2;

/**
 * Parses `--package DIR --out DIR [--per-class N] [--test-per-class M]` (defaults 60 and 0); a missing or
 * malformed flag goes to `fail` (the script's one-line error and exit 2).
 */
export function packageFolderArgs(packageName: string, fail: (message: string) => never): PackageFolderArgs {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        package: { type: 'string' },
        out: { type: 'string' },
        'per-class': { type: 'string', default: '60' },
        'test-per-class': { type: 'string', default: '0' },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  }
  const packageDir = values.package ?? fail(`--package DIR (the unpacked ${packageName} package) is required`);
  const out = values.out ?? fail('--out DIR is required');
  const perClass = Number(values['per-class']);
  if (!Number.isInteger(perClass) || perClass < 1) fail(`--per-class: expected a positive integer, got ${values['per-class']}`);
  const testPerClass = Number(values['test-per-class']);
  if (!Number.isInteger(testPerClass) || testPerClass < 0) fail(`--test-per-class: expected a whole number, got ${values['test-per-class']}`);
  if (testPerClass > 0 && Math.round(perClass * VAL_SHARE) < 1) fail(`--per-class ${perClass}: too few images to hold out a validation image per class`);
  return { packageDir, out, perClass, testPerClass };
}

/**
 * The folder the `index`-th of a class's `--per-class` images goes to. Unsplit: `<out>/<class>`. With a
 * held-out test set, the benchmark takes the folder's own split (train/, val/, test/), so the search images
 * are split here, the last fifth of each class to `val/`: a large test set then measures the incumbents
 * without making the searches' data differ from an unsplit folder's.
 */
export function searchImageFolder(args: PackageFolderArgs, className: string, index: number): string {
  if (args.testPerClass === 0) return join(args.out, className);
  const val = Math.round(args.perClass * VAL_SHARE);
  return join(args.out, index < args.perClass - val ? 'train' : 'val', className);
}

/** The folder of a class's held-out test images (only when `--test-per-class` is given). */
export function testImageFolder(args: PackageFolderArgs, className: string): string {
  return join(args.out, 'test', className);
}
