import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const search: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune search'");
};

export default search;
