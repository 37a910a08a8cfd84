import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const metaTrain: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune meta-train'");
};

export default metaTrain;
