import { NotAvailableError } from '../../errors.ts';
import type { StudyBackend } from '../types.ts';

/** PostgreSQL storage: being built (docs/distributed.md). */
export class PostgresBackend {
  static async connect(_url: string, _study: string | undefined): Promise<StudyBackend> {
    throw new NotAvailableError('--storage with a postgres:// URL');
  }
}
