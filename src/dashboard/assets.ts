import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the page loads. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * NOTE: resolved relative to this module, never to the working directory: the page's modules are compiled
 * next to it (dist/src/dashboard/page and view, which the published package ships) and uPlot comes from
 * the installed package, so the dashboard works from any folder and needs no network.
 */
const FOLDERS: Readonly<Record<string, string>> = {
  page: fileURLToPath(new URL('./page/', import.meta.url)),
  view: fileURLToPath(new URL('./view/', import.meta.url)),
};

const require = createRequire(import.meta.url);
const VENDOR: Readonly<Record<string, { readonly module: string; readonly type: string }>> = {
  'uplot.js': { module: 'uplot/dist/uPlot.esm.js', type: JS },
  'uplot.css': { module: 'uplot/dist/uPlot.min.css', type: CSS },
};

const cache = new Map<string, Asset | null>();

/**
 * The asset a URL path names: `/app/page/NAME.js` and `/app/view/NAME.js` (the page's compiled modules) or
 * `/vendor/uplot.js|css`; undefined for anything else. Names are matched against a strict pattern, so no
 * path can leave those folders.
 */
export async function assetAt(pathname: string): Promise<Asset | undefined> {
  if (cache.has(pathname)) return cache.get(pathname) ?? undefined;
  const asset = await load(pathname);
  cache.set(pathname, asset ?? null);
  return asset;
}

async function load(pathname: string): Promise<Asset | undefined> {
  const module = /^\/app\/(page|view)\/([a-z0-9-]+\.js)$/.exec(pathname);
  if (module?.[1] !== undefined && module[2] !== undefined) {
    const folder = FOLDERS[module[1]];
    return folder === undefined ? undefined : readAsset(join(folder, module[2]), JS);
  }
  const vendor = /^\/vendor\/([a-z.]+)$/.exec(pathname)?.[1];
  const entry = vendor === undefined ? undefined : VENDOR[vendor];
  if (entry === undefined) return undefined;
  return readAsset(require.resolve(entry.module), entry.type);
}

async function readAsset(path: string, type: string): Promise<Asset | undefined> {
  try {
    return { body: await readFile(path), type };
  } catch {
    return undefined;
  }
}
