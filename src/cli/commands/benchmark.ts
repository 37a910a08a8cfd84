import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const benchmark: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune benchmark'");
};

export default benchmark;
