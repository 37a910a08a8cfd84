import { NotAvailableError } from '../../errors.ts';
import type { CommandHandler } from '../context.ts';

const importCommand: CommandHandler = async () => {
  throw new NotAvailableError("'quicktune import'");
};

export default importCommand;
