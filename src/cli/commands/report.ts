import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, UsageError } from '../../errors.ts';
import { curvesPlot } from '../../report/curves-plot.ts';
import { renderReport } from '../../report/render-report.ts';
import { reportJson, summarizeRun } from '../../report/run-summary.ts';
import { loadRun } from '../../storage/load-run.ts';
import { folderBytes, formatBytes } from '../../util/folder-size.ts';
import type { CommandHandler } from '../context.ts';

const Options = z.object({ runDir: z.string().min(1), plot: z.string().min(1).optional() });

/**
 * `quicktune report RUN_DIR [--plot FILE.svg]`: the incumbent, the steps per model, the observed curves, and
 * optionally an SVG of them. Reads the journal without locking it, so it works while a search is running.
 */
const report: CommandHandler = async (options, context) => {
  const parsed = Options.safeParse(options);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'report'}: ${i.message}`));
  const { runDir, plot } = parsed.data;
  const run = await loadRun(runDir);
  for (const warning of run.warnings) context.log.warn(warning);
  const summary = summarizeRun(run);
  let human = renderReport(run, summary);
  const checkpoints = join(runDir, 'checkpoints');
  if (existsSync(checkpoints)) {
    // NOTE: what the run keeps on disk: one checkpoint per paused pipeline plus the incumbent's (docs/runs.md).
    human += `\n\nCheckpoints: ${formatBytes(await folderBytes(checkpoints))} in ${checkpoints}`;
  }
  if (plot !== undefined) {
    try {
      await writeFile(plot, curvesPlot(summary, `Learning curves of ${runDir}`));
    } catch (error) {
      throw new InputError(`--plot ${plot}: cannot write the plot (${error instanceof Error ? error.message : String(error)})`);
    }
    human += `\n\nPlot of the curves written to ${plot}`;
  }
  context.emit(reportJson(run, summary), human);
};

export default report;
