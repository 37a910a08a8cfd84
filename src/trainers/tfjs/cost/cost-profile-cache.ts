import { createHash } from 'node:crypto';
import { cpus, homedir } from 'node:os';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getLogger } from '../../../logging.ts';
import { CostProfileSchema, PROBE_GRID, type CostProfile } from './cost-profile.ts';

/**
 * A machine's measured epoch costs, kept between searches. Probing costs tens of seconds (three hub models:
 * about 45 s on an idle 2-core machine), a large share of a short search, and it measures the machine, not the
 * data: the same models at the same input sizes cost the same on the next folder. A search finds the profile
 * here when one was measured with the same models, sizes, class count, backend choice and processor, and only
 * measures the machine's current load (a fraction of a second) on top.
 *
 * Where: QUICKTUNE_CACHE_DIR, else $XDG_CACHE_HOME/quicktune, else ~/.cache/quicktune; `QUICKTUNE_COST_CACHE=off`
 * measures every time.
 */

/** Bumped whenever what the probes measure changes, so older profiles are never read. */
const FORMAT = 3;

export interface CostProfileKey {
  /** Hub model name -> input size, for the models the search asked about. */
  readonly models: Readonly<Record<string, number>>;
  readonly classes: number;
  /** The hub descriptor file, when not the shipped one. */
  readonly hubFile: string | null;
}

export function costCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.QUICKTUNE_COST_CACHE === 'off') return undefined;
  if (env.QUICKTUNE_CACHE_DIR) return join(env.QUICKTUNE_CACHE_DIR, 'cost-profiles');
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'quicktune', 'cost-profiles');
}

function cacheFile(dir: string, key: CostProfileKey): string {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.versions.node, backend: process.env.QUICKTUNE_BACKEND ?? 'auto' };
  const sortedModels = Object.fromEntries(Object.entries(key.models).sort(([a], [b]) => a.localeCompare(b)));
  const identity = JSON.stringify({ format: FORMAT, grid: PROBE_GRID, ...key, models: sortedModels, machine });
  return join(dir, `${createHash('sha256').update(identity).digest('hex').slice(0, 20)}.json`);
}

/** The stored profile for `key`, or undefined (none, unreadable, or of another format). */
export async function readCachedProfile(key: CostProfileKey, dir = costCacheDir()): Promise<CostProfile | undefined> {
  if (dir === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(cacheFile(dir, key), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = CostProfileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a measured profile (written aside and renamed, so a concurrent reader sees all or nothing). */
export async function writeCachedProfile(key: CostProfileKey, profile: CostProfile, dir = costCacheDir()): Promise<void> {
  if (dir === undefined) return;
  try {
    await mkdir(dir, { recursive: true });
    const file = cacheFile(dir, key);
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, `${JSON.stringify(profile)}\n`);
    await rename(partial, file);
  } catch (error) {
    // NOTE: a read-only home only costs the next search its probe: never a reason to fail this one.
    getLogger('tfjs-trainer').warn({ dir, err: error instanceof Error ? error.message : String(error) }, 'could not keep the measured epoch costs');
  }
}

/**
 * Wall seconds per CPU second of a short busy loop in this process: how much other processes slow this
 * machine down right now (1 when idle). A cached profile's own contention is from another moment.
 */
export function currentContention(spinMs = 200): number {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  let sink = 0;
  while (performance.now() - wallStart < spinMs) sink += Math.sqrt(sink + 1);
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const wallMs = performance.now() - wallStart;
  // NOTE: `sink` keeps the loop from being optimized away; a timer too coarse to see CPU time means no contention.
  return sink >= 0 && cpuMs > 0 ? Math.max(1, wallMs / cpuMs) : 1;
}
