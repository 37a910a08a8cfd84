import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.ts';
import { curvesPlot } from '../../report/curves-plot.ts';
import { renderReport } from '../../report/render-report.ts';
import { reportJson, summarizeRun } from '../../report/run-summary.ts';
import { readStudyName } from '../../search/search-settings.ts';
import { loadRun, loadStudy } from '../../storage/load-run.ts';
import { isSharedStorageUrl } from '../../storage/registry.ts';
import type { StudySnapshot } from '../../storage/types.ts';
import { folderBytes, formatBytes } from '../../util/folder-size.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import type { CommandHandler } from '../context.ts';

/**
 * `quicktune report RUN_DIR | --storage URL --study NAME [--plot FILE.svg]`: the incumbent, the steps per
 * model, the observed curves, and optionally an SVG of them. Reads without locking or writing, so it works
 * while a search (or the workers of a study) is running.
 */
const report: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  const runDir = flags.text('runDir');
  const storage = flags.text('storage');
  const shared = isSharedStorageUrl(storage);
  if (runDir !== undefined && storage !== undefined) flags.problem('report reads a run directory or --storage URL --study NAME, not both');
  if (runDir === undefined && storage === undefined) flags.problem('report needs a run directory (or --storage URL --study NAME)');
  const study = readStudyName(flags, shared);
  if (study !== undefined && !shared) flags.problem('--study names a study in shared storage (--storage postgres://...)');
  const plot = flags.text('plot');
  if (plot !== undefined && plot.trim() === '') flags.problem('--plot: a file name is required');
  flags.done();
  const run: StudySnapshot =
    storage !== undefined ? await loadStudy({ url: storage, ...(study === undefined ? {} : { study }) }) : await loadRun(runDir ?? '.');
  for (const warning of run.warnings) context.log.warn(warning);
  const summary = summarizeRun(run);
  let human = renderReport(run, summary);
  // NOTE: a study in shared storage keeps its checkpoints in the workers' --artifacts folder, not here.
  const checkpoints = runDir === undefined ? undefined : join(runDir, 'checkpoints');
  if (checkpoints !== undefined && existsSync(checkpoints)) {
    // NOTE: what the run keeps on disk: one checkpoint per paused pipeline plus the incumbent's (docs/runs.md).
    human += `\n\nCheckpoints: ${formatBytes(await folderBytes(checkpoints))} in ${checkpoints}`;
  }
  if (plot !== undefined) {
    try {
      await writeFile(plot, curvesPlot(summary, `Learning curves of ${runDir ?? run.location}`));
    } catch (error) {
      throw new InputError(`--plot ${plot}: cannot write the plot (${error instanceof Error ? error.message : String(error)})`);
    }
    human += `\n\nPlot of the curves written to ${plot}`;
  }
  context.emit(reportJson(run, summary), human);
};

export default report;
