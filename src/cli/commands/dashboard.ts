import { startDashboard, type DashboardTarget } from '../../dashboard/dashboard.ts';
import { isSharedStorageUrl } from '../../storage/registry.ts';
import { readStudyName } from '../../search/search-settings.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import type { CommandHandler } from '../context.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

interface DashboardSettings {
  readonly target: DashboardTarget;
  readonly host: string;
  readonly port: number;
  readonly artifacts: string | undefined;
}

/** `RUN_DIR | --storage URL [--study NAME]`, `--host`, `--port`, `--artifacts`: one problem line per bad flag. */
function dashboardSettings(options: Readonly<Record<string, unknown>>): DashboardSettings {
  const flags = new FlagReader(options);
  const runDir = flags.text('runDir');
  const storage = flags.text('storage');
  if (runDir !== undefined && storage !== undefined) flags.problem('give a run directory or --storage URL, not both');
  if (runDir === undefined && storage === undefined) flags.problem('dashboard needs a run directory (quicktune dashboard RUN_DIR) or --storage URL --study NAME');
  if (runDir !== undefined && flags.has('study')) flags.problem('--study goes with --storage (a run directory holds one study)');
  if (storage !== undefined && storage.trim() === '') flags.problem('--storage: empty URL');
  const study = storage === undefined ? undefined : readStudyName(flags, isSharedStorageUrl(storage));
  const host = flags.text('host', '127.0.0.1').trim();
  if (host === '') flags.problem('--host: empty address');
  const port = readPort(flags);
  flags.done();
  return {
    target: runDir !== undefined ? { kind: 'run', dir: runDir } : { kind: 'storage', url: storage ?? '', study },
    host,
    port,
    artifacts: flags.text('artifacts'),
  };
}

function readPort(flags: FlagReader): number {
  const text = flags.text('port');
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port > 65535) {
    flags.problem(`--port ${text}: not a port number (0 to 65535; 0 picks a free one)`);
    return 0;
  }
  return port;
}

/** Resolves at the first SIGINT or SIGTERM; a second one ends the process the default way. */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const handler = (signal: NodeJS.Signals): void => {
      for (const s of SIGNALS) process.off(s, handler);
      resolvePromise(signal);
    };
    for (const s of SIGNALS) process.on(s, handler);
  });
}

/**
 * `quicktune dashboard RUN_DIR | --storage URL --study NAME [--host H] [--port N]`: serves the live page of a
 * study, prints its address (`http://HOST:PORT/`) as the first line on stdout, and runs until interrupted
 * (Ctrl-C or SIGTERM: exit 0). Read-only: it never writes to the study.
 */
const dashboard: CommandHandler = async (options, context) => {
  const settings = dashboardSettings(options);
  const running = await startDashboard({ ...settings, log: context.log });
  const stop = interrupted();
  // NOTE: the address is the first line on stdout whatever --json says: scripts read it to open the page.
  process.stdout.write(`${running.url}\n`);
  context.log.info({ url: running.url, study: running.location }, 'dashboard serving (Ctrl-C to stop)');
  const signal = await stop;
  context.log.info(`${signal}: dashboard stopped`);
  await running.close();
};

export default dashboard;
