import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TrainerError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import type { EngineOptions } from './engine.ts';
import { FromWorkerSchema, type FromWorker, type ToWorker } from './protocol.ts';

type Reply = Exclude<FromWorker, { type: 'ready' }>;

/** One tfjs worker process and its pending requests. */
export class WorkerHandle {
  readonly ready: Promise<string>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private exitInfo: string | undefined;

  constructor(options: EngineOptions, logLevel: string, devices: readonly string[] = []) {
    const entry = fileURLToPath(new URL('./worker-main.js', import.meta.url));
    // NOTE: a worker slot's GPU is chosen before the process starts: tfjs-node-gpu reads CUDA_VISIBLE_DEVICES once.
    const env = devices.length > 0 ? { ...process.env, CUDA_VISIBLE_DEVICES: devices.join(',') } : process.env;
    // NOTE: the worker's stdout goes to our stderr: stdout carries command results only.
    this.child = fork(entry, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'advanced', env });
    this.child.stdout?.pipe(process.stderr);
    let readyResolve: (backend: string) => void = () => undefined;
    let readyReject: (error: Error) => void = () => undefined;
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (raw: unknown) => {
      const parsed = FromWorkerSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'ready') {
        readyResolve(message.backend);
        return;
      }
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.resolve(message);
    });
    this.child.on('exit', (code, signal) => {
      this.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
      const error = new TrainerError(
        `the tfjs worker process ended (${this.exitInfo})${signal === 'SIGKILL' ? '; it may have run out of memory' : ''}`,
        signal === 'SIGKILL' ? 'trainer.outOfMemory' : 'trainer.workerExited',
      );
      readyReject(error);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
    this.child.on('error', (error) => getLogger('tfjs-trainer').error({ err: error }, 'tfjs worker process error'));
    this.post({ type: 'init', options: { ...options }, logLevel });
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private post(message: ToWorker): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  /** Sends a request and waits for its reply (or for the worker to die). */
  request(make: (id: number) => ToWorker): { id: number; reply: Promise<Reply> } {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => {
      if (!this.alive) {
        reject(new TrainerError(`the tfjs worker process is not running (${this.exitInfo})`, 'trainer.workerExited'));
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.post(make(id));
    });
    return { id, reply };
  }

  abort(id: number): void {
    this.post({ type: 'abort', id });
  }

  /** Ends the process; pending requests reject. */
  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Resolves once the process has exited. */
  exited(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}
