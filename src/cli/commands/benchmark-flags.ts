import type { FlagReader } from '../../util/flag-reader.ts';
import { parseDuration } from '../../util/duration.ts';
import { parseList } from '../../util/parse-number.ts';

/** `--budgets 1h,4h,16h`: seconds, increasing; a problem line naming the flag when one is not a duration. */
export function readBudgets(flags: FlagReader, fallback: string): number[] {
  const budgets = parseList(flags.text('budgets', fallback)).flatMap((b) => {
    const seconds = flags.attempt(() => parseDuration(b, '--budgets'));
    return seconds === undefined ? [] : [seconds];
  });
  if (budgets.length === 0 && flags.problems.length === 0) flags.problem('--budgets: name at least one budget');
  return [...new Set(budgets)].sort((a, b) => a - b);
}
