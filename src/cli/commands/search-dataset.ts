import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

/** `quicktune search --dataset DIR`: wired by the runs work (space, storage, trainer, the loop). */
const searchDataset: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune search --dataset'");
};

export default searchDataset;
