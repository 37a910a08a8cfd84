/** The benchmark's settings, from argv (`--name value`). */
export interface DistributedBenchOptions {
  /** Wall seconds of each throughput phase (the study's budget). */
  readonly seconds: number;
  /** Wall seconds of each regret phase: one hour of simulated time is replayed in this much wall time. */
  readonly regretSeconds: number;
  /** The worker count compared with one worker. */
  readonly workers: number;
  /** Methods of the throughput phases. */
  readonly methods: readonly string[];
  /** Which phases run. */
  readonly phases: readonly ('throughput' | 'regret')[];
  /** Where the numbers go as JSON ('' for nowhere). */
  readonly out: string;
}

export const USAGE =
  'usage: node dist/bench/distributed.js [--seconds 45] [--regret-seconds 300] [--workers 8] ' +
  '[--methods random-pairs,quicktune] [--phases throughput,regret] [--out FILE.json]';

function value(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const given = argv[at + 1];
  if (given === undefined || given.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  return given;
}

function positive(argv: readonly string[], name: string, fallback: number): number {
  const n = Number(value(argv, name, String(fallback)));
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`${name}: a positive number, not '${value(argv, name, '')}'\n${USAGE}`);
  return n;
}

export function parseOptions(argv: readonly string[]): DistributedBenchOptions {
  const known = new Set(['--seconds', '--regret-seconds', '--workers', '--methods', '--phases', '--out']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}\n${USAGE}`);
  const phases = value(argv, '--phases', 'throughput,regret').split(',');
  for (const phase of phases) if (phase !== 'throughput' && phase !== 'regret') throw new Error(`--phases: throughput or regret, not '${phase}'\n${USAGE}`);
  return {
    seconds: positive(argv, '--seconds', 45),
    regretSeconds: positive(argv, '--regret-seconds', 300),
    workers: Math.round(positive(argv, '--workers', 8)),
    methods: value(argv, '--methods', 'random-pairs,quicktune').split(','),
    phases: phases as Array<'throughput' | 'regret'>,
    out: value(argv, '--out', ''),
  };
}
