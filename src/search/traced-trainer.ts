import type { Logger } from 'pino';
import type { Trainer } from '../trainers/types.ts';

/**
 * A slot's trainer as the search loop uses it, logging (at debug level) each step it starts and how it ended:
 * which worker trained which (pipeline, epoch) and when, so an operator (or a test) can tell what really ran,
 * whatever the study recorded.
 */
export function tracedTrainer(trainer: Trainer, worker: string, log: Logger): Trainer {
  return {
    name: trainer.name,
    describe: () => trainer.describe(),
    async train(step) {
      const fields = { worker, configId: step.configId, epoch: step.epoch };
      log.debug(fields, 'step started');
      try {
        const outcome = await trainer.train(step);
        log.debug({ ...fields, score: outcome.score, seconds: outcome.seconds }, 'step trained');
        return outcome;
      } catch (error) {
        log.debug({ ...fields, err: error instanceof Error ? error.message : String(error) }, 'step did not train');
        throw error;
      }
    },
  };
}
