import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const report: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune report'");
};

export default report;
