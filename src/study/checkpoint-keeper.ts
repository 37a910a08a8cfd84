import type { PoolView } from '../core/pool-state.ts';
import type { StepRecord } from '../core/step.ts';
import { getLogger } from '../logging.ts';
import type { CheckpointLayout } from '../trainers/types.ts';

/**
 * Keeps what a search can still need and deletes the rest: the incumbent's checkpoint always survives, a
 * pipeline that may be continued keeps its last epoch, and everything else (superseded epochs, finished or
 * failed pipelines that are not the incumbent) goes. So the disk a run uses is bounded by one checkpoint per
 * paused pipeline plus the incumbent's, whatever the number of steps.
 */
export class CheckpointKeeper {
  private readonly layout: CheckpointLayout;
  private readonly dirOf: (configId: string) => string;
  private readonly state: PoolView;
  private incumbent: string | undefined;
  private freed = 0;

  constructor(layout: CheckpointLayout, dirOf: (configId: string) => string, state: PoolView) {
    this.layout = layout;
    this.dirOf = dirOf;
    this.state = state;
    this.incumbent = this.incumbentId();
  }

  /** Bytes deleted so far. */
  get bytesFreed(): number {
    return this.freed;
  }

  /** The epochs of pipeline `configId` whose checkpoints must stay. */
  keep(configId: string): number[] {
    const i = this.state.indexOf(configId);
    if (i === undefined) return [];
    const keep = new Set<number>();
    const epochs = this.state.epochsOf(i);
    if (!this.state.isFinal(i) && epochs > 0) keep.add(epochs);
    const best = this.state.incumbent;
    if (best && best.pipeline === i) keep.add(best.epoch);
    return [...keep].sort((a, b) => a - b);
  }

  /** After a recorded step (the state holds it): prunes its pipeline and, if the incumbent moved, the old one's. */
  async afterStep(record: StepRecord): Promise<void> {
    const touched = new Set([record.configId]);
    const now = this.incumbentId();
    if (this.incumbent !== undefined && this.incumbent !== now) touched.add(this.incumbent);
    this.incumbent = now;
    for (const configId of touched) {
      try {
        this.freed += await this.layout.prune(this.dirOf(configId), this.keep(configId));
      } catch (error) {
        // NOTE: a checkpoint that cannot be deleted costs disk, not correctness: the search goes on.
        getLogger('study').warn({ configId, err: error instanceof Error ? error.message : String(error) }, 'could not delete old checkpoints');
      }
    }
  }

  private incumbentId(): string | undefined {
    const best = this.state.incumbent;
    return best === undefined ? undefined : this.state.ids[best.pipeline];
  }
}
