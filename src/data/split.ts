import { Random } from '../util/random.ts';

/** Default share of each class held out for validation when the folder has no val/ of its own. */
export const DEFAULT_VAL_FRACTION = 0.2;

/**
 * A stratified, seeded train/validation split of one class's items (given in a stable order). Each class with
 * at least two items gives round(n · fraction) of them to validation, at least one and never all of them; a
 * class with a single item stays in training. The same items, fraction and seed always give the same split.
 */
export function splitClass<T>(items: readonly T[], fraction: number, random: Random): { train: T[]; val: T[] } {
  if (items.length < 2) return { train: [...items], val: [] };
  const nVal = Math.min(items.length - 1, Math.max(1, Math.round(items.length * fraction)));
  const shuffled = random.shuffle(items);
  return { train: shuffled.slice(nVal), val: shuffled.slice(0, nVal) };
}

/** Splits every class (classes in order), each with its own stream forked from `seed`. */
export function stratifiedSplit<T>(
  classes: ReadonlyArray<readonly T[]>,
  fraction: number,
  seed: number,
): { train: T[]; val: T[] } {
  const root = new Random(seed);
  const train: T[] = [];
  const val: T[] = [];
  for (const items of classes) {
    const part = splitClass(items, fraction, root.fork());
    train.push(...part.train);
    val.push(...part.val);
  }
  return { train, val };
}
