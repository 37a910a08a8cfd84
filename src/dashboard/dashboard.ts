import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { EventHub } from './event-stream.ts';
import { listen } from './http-server.ts';
import { defaultArtifacts, StudyFollower, type DashboardTarget } from './study-follower.ts';
import { StudyView } from './study-view.ts';

export type { DashboardTarget } from './study-follower.ts';

const RECHECK_MS = 15_000;

export interface DashboardOptions {
  readonly target: DashboardTarget;
  /** Where checkpoints are (`<artifacts>/checkpoints/<config_id>/`); default: the run directory or the journal's folder. */
  readonly artifacts?: string;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  readonly log: Logger;
  /** Shortest pause between two reads of storage (ms; default 500). */
  readonly pollMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://HOST:PORT/` */
  readonly url: string;
  /** Where the study is read from (safe to print). */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * Starts a dashboard: reads the study (an InputError names a missing or unreadable one before anything
 * listens), serves it, and follows its storage so connected pages update within a second of a new entry.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const follower = await StudyFollower.open(options.target, { log: options.log, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) });
  try {
    const artifacts = options.artifacts === undefined ? defaultArtifacts(options.target, follower.journalPath) : resolve(options.artifacts);
    const view = new StudyView({ artifacts });
    await view.update(follower.current());
    const hub = new EventHub(view, randomBytes(6).toString('hex'));
    const server = await listen({ host: options.host, port: options.port, view, hub, log: options.log });
    // NOTE: updates are applied one at a time, in order, so a slow checkpoint lookup never reorders them.
    let pending = Promise.resolve();
    follower.start((study) => {
      pending = pending
        .then(async () => {
          await view.update(study);
          hub.publish();
        })
        .catch((error: unknown) => options.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'dashboard update failed'));
    });
    // NOTE: a study whose writers died goes quiet without a new entry: look again now and then.
    const recheck = setInterval(() => {
      pending = pending.then(() => {
        if (view.recheck()) hub.publish();
      });
    }, RECHECK_MS);
    recheck.unref();
    return {
      url: server.url,
      location: follower.location,
      async close() {
        clearInterval(recheck);
        await follower.close();
        await pending;
        await server.close();
      },
    };
  } catch (error) {
    await follower.close();
    throw error;
  }
}
