import type { ColumnInfo, MetaConfig, MetaDataset, MetaTask } from './types.ts';

/** The fields of a validated meta-dataset; {@link InMemoryMetaDataset} adds the lookups. */
export interface MetaDatasetParts {
  readonly name: string;
  readonly description?: string;
  readonly metric?: string;
  readonly maxEpochs: number;
  readonly dir: string;
  readonly contentHash: string;
  readonly hyperparameters: readonly ColumnInfo[];
  readonly metaFeatures: readonly ColumnInfo[];
  readonly tasks: ReadonlyMap<string, MetaTask>;
}

/** A loaded meta-dataset held in memory, with an index of runs by config_id. */
export class InMemoryMetaDataset implements MetaDataset {
  readonly name: string;
  readonly description?: string;
  readonly metric?: string;
  readonly maxEpochs: number;
  readonly dir: string;
  readonly contentHash: string;
  readonly hyperparameters: readonly ColumnInfo[];
  readonly metaFeatures: readonly ColumnInfo[];
  readonly models: readonly string[];
  readonly tasks: ReadonlyMap<string, MetaTask>;
  readonly totals: { readonly configs: number; readonly curvePoints: number };
  private readonly byId = new Map<string, MetaConfig>();

  constructor(parts: MetaDatasetParts) {
    this.name = parts.name;
    if (parts.description !== undefined) this.description = parts.description;
    if (parts.metric !== undefined) this.metric = parts.metric;
    this.maxEpochs = parts.maxEpochs;
    this.dir = parts.dir;
    this.contentHash = parts.contentHash;
    this.hyperparameters = parts.hyperparameters;
    this.metaFeatures = parts.metaFeatures;
    this.tasks = parts.tasks;
    const models = new Set<string>();
    let curvePoints = 0;
    for (const task of parts.tasks.values()) {
      for (const config of task.configs) {
        this.byId.set(config.id, config);
        models.add(config.model);
        curvePoints += config.scores.length;
      }
    }
    this.models = [...models].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.totals = { configs: this.byId.size, curvePoints };
  }

  config(id: string): MetaConfig | undefined {
    return this.byId.get(id);
  }
}
