import { parseArgs } from 'node:util';

/** What a script that writes an image folder from an unpacked npm data package is given. */
export interface PackageFolderArgs {
  readonly packageDir: string;
  readonly out: string;
  readonly perClass: number;
}

/**
 * Parses `--package DIR --out DIR [--per-class N]` (default 60); a missing or malformed flag goes to `fail`
 * (the script's one-line error and exit 2).
 */
export function packageFolderArgs(packageName: string, fail: (message: string) => never): PackageFolderArgs {
  const { values } = parseArgs({
    options: {
      package: { type: 'string' },
      out: { type: 'string' },
      'per-class': { type: 'string', default: '60' },
    },
  });
  const packageDir = values.package ?? fail(`--package DIR (the unpacked ${packageName} package) is required`);
  const out = values.out ?? fail('--out DIR is required');
  const perClass = Number(values['per-class']);
  if (!Number.isInteger(perClass) || perClass < 1) fail(`--per-class: expected a positive integer, got ${values['per-class']}`);
  return { packageDir, out, perClass };
}
