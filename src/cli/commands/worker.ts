import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const worker: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune worker'");
};

export default worker;
