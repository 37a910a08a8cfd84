/**
 * The tfjs trainer's worker process (forked by tfjs-trainer.ts, never imported): holds one FinetuneEngine and
 * runs the steps the parent sends over IPC, one at a time.
 */
import { loadTf } from '../../backend/tfjs-backend.ts';
import { QuickTuneError } from '../../errors.ts';
import { configureLogging, getLogger, LOG_LEVELS, type LogLevel } from '../../logging.ts';
import { FinetuneEngine } from './engine.ts';
import { FromWorkerSchema, ToWorkerSchema, type FromWorker, type ToWorker } from './protocol.ts';

let engine: FinetuneEngine | undefined;
let backendName = 'unknown';
let ready: Promise<FinetuneEngine> | undefined;
const running = new Map<number, AbortController>();

function send(message: FromWorker): void {
  process.send?.(FromWorkerSchema.parse(message));
}

function describe(error: unknown): { message: string; code: string; fatal: boolean } {
  if (error instanceof QuickTuneError) return { message: error.message, code: error.code, fatal: false };
  if (error instanceof DOMException && error.name === 'AbortError') return { message: 'step aborted', code: 'trainer.aborted', fatal: false };
  const message = error instanceof Error ? error.message : String(error);
  // NOTE: anything else (a wasm abort, an allocation failure, a bug) may leave tfjs unusable: the worker exits
  // after reporting it and the parent starts a fresh one for the next step.
  return { message, code: /memory|allocat|Aborted\(/i.test(message) ? 'trainer.outOfMemory' : 'trainer.failed', fatal: true };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const level = LOG_LEVELS.find((l) => l === message.logLevel) ?? 'info';
      await configureLogging(level as LogLevel);
      ready = loadTf().then(({ tf, backend }) => {
        backendName = backend;
        engine = new FinetuneEngine(tf, message.options);
        send({ type: 'ready', backend });
        return engine;
      });
      await ready;
      return;
    }
    case 'abort':
      running.get(message.id)?.abort();
      return;
    case 'metaFeatures':
    case 'costProfile':
    case 'train': {
      const controller = new AbortController();
      running.set(message.id, controller);
      try {
        const current = await (ready ?? Promise.reject(new Error('worker not initialised')));
        if (message.type === 'metaFeatures') {
          send({ type: 'metaFeatures', id: message.id, value: { ...(await current.metaFeatures()) } });
        } else if (message.type === 'costProfile') {
          send({ type: 'costProfile', id: message.id, value: await current.costProfile(controller.signal, backendName, message.models) });
        } else {
          const { checkpointDir, ...rest } = message.step;
          const report = await current.run({ ...rest, checkpointDir }, controller.signal);
          send({ type: 'result', id: message.id, report });
        }
      } catch (error) {
        const info = describe(controller.signal.aborted ? controller.signal.reason ?? error : error);
        if (controller.signal.aborted) Object.assign(info, { message: 'step aborted', code: 'trainer.aborted', fatal: false });
        send({ type: 'error', id: message.id, ...info });
        if (info.fatal) {
          getLogger('tfjs-trainer').error({ err: error }, 'tfjs worker failed; exiting');
          process.exit(1);
        }
      } finally {
        running.delete(message.id);
      }
    }
  }
}

process.on('message', (raw: unknown) => {
  const parsed = ToWorkerSchema.safeParse(raw);
  if (!parsed.success) return;
  void handle(parsed.data);
});
process.on('disconnect', () => process.exit(0));
