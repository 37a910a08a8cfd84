export type { CellValue, ColumnInfo, MetaConfig, MetaDataset, MetaTask } from './types.ts';
export { loadMetaDataset, type LoadOptions } from './load.ts';
export { parseNumberCell } from './parse-cell.ts';
