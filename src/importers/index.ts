import { importQuickTune, type ImportSummary } from './quicktune/index.ts';

/** An importer: converts a source folder into the canonical layout in `out`. */
export type Importer = (src: string, out: string) => Promise<ImportSummary>;

/** Source formats `quicktune import --from` accepts, by name. */
export const IMPORTERS: Readonly<Record<string, Importer>> = { quicktune: importQuickTune };

export type { ImportSummary };
