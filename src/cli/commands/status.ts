import { statusText, studyStatus } from '../../report/study-status.ts';
import { readStudyName } from '../../search/search-settings.ts';
import { readStudy } from '../../storage/load-run.ts';
import { isSharedStorageUrl, openStorage } from '../../storage/registry.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import type { CommandHandler } from '../context.ts';

/**
 * `quicktune status --storage URL --study NAME [--json]`: steps by state, the workers and what they run, the
 * incumbent and the budget of a study, read without writing to it.
 */
const status: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  const storage = flags.required('storage', 'the study storage (postgres://USER@HOST/DB)');
  const shared = isSharedStorageUrl(storage);
  const study = readStudyName(flags, shared);
  if (study !== undefined && !shared) flags.problem('--study names a study in shared storage (--storage postgres://...)');
  flags.done();
  const backend = await openStorage({ url: storage, ...(study === undefined ? {} : { study }) });
  try {
    const run = await readStudy(backend);
    const report = studyStatus(run, (await backend.lastSeen?.()) ?? new Map());
    context.emit(report, statusText(run.location, report));
  } finally {
    await backend.close();
  }
};

export default status;
