import { getLogger } from '../logging.ts';
import { canonicalHash } from '../util/canonical-json.ts';
import { Random } from '../util/random.ts';
import { sampleConfig } from './sample.ts';
import type { Config, Pipeline, SearchSpace } from './types.ts';

/** Consecutive duplicate draws after which a small finite space is taken as exhausted. */
const MAX_DUPLICATE_RUN = 2000;

/**
 * A config's id: a hash of its canonical JSON, so the same config gets the same id in every session of a
 * run, in every pool and on every machine (key order does not matter).
 */
export function configId(config: Config): string {
  return canonicalHash(config).slice(0, 16);
}

export interface PoolOptions {
  readonly seed: number;
  /** Sampled configurations besides the pinned ones; default: the space's pool_size (400). */
  readonly size?: number;
}

/**
 * The candidate pool of a search: the pinned configurations first, then `size` distinct configurations
 * sampled from the space with a seeded generator (same space + seed = same pool, ids included).
 * A finite space with fewer distinct configurations gives a smaller pool (and a warning).
 */
export function buildPool(space: SearchSpace, options: PoolOptions): Pipeline[] {
  const size = options.size ?? space.poolSize;
  const rng = new Random(options.seed);
  const pool: Pipeline[] = [];
  const ids = new Set<string>();
  for (const config of space.pinned) {
    const id = configId(config);
    if (!ids.has(id)) pool.push({ id, config });
    ids.add(id);
  }
  let sampled = 0;
  let duplicates = 0;
  while (sampled < size && duplicates < MAX_DUPLICATE_RUN) {
    const config = sampleConfig(space, rng);
    const id = configId(config);
    if (ids.has(id)) {
      duplicates++;
      continue;
    }
    duplicates = 0;
    ids.add(id);
    pool.push({ id, config });
    sampled++;
  }
  if (sampled < size) {
    getLogger('space').warn({ asked: size, sampled }, `${space.source}: the space holds only ${sampled} distinct configurations besides the pinned ones`);
  }
  return pool;
}
