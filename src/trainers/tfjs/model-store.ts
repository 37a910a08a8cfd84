import { dirname } from 'node:path';
import type { Tf } from '../../backend/tfjs-backend.ts';
import { TrainerError } from '../../errors.ts';
import { DEFAULT_HUB_PATH, loadModelHub, type HubModel, type ModelHub } from '../../hub/model-hub.ts';
import { loadPretrained, type PretrainedModel } from './model/pretrained.ts';

/** Hub models loaded on the tfjs backend, once each for the life of a worker. */
export class ModelStore {
  private readonly tf: Tf;
  private readonly hubFile: string;
  private hub: Promise<ModelHub> | undefined;
  private readonly models = new Map<string, Promise<PretrainedModel>>();

  constructor(tf: Tf, hubFile: string = DEFAULT_HUB_PATH()) {
    this.tf = tf;
    this.hubFile = hubFile;
  }

  /** The hub's models the tfjs trainer can run (every entry that is not a timm model). */
  async tfjsModels(): Promise<HubModel[]> {
    this.hub ??= loadModelHub(this.hubFile);
    return (await this.hub).models.filter((m) => m.source.kind !== 'timm');
  }

  async entry(name: string): Promise<HubModel> {
    this.hub ??= loadModelHub(this.hubFile);
    const hub = await this.hub;
    const model = hub.models.find((m) => m.name === name);
    if (!model) throw new TrainerError(`model '${name}' is not in the model hub ${this.hubFile}`, 'trainer.unknownModel');
    if (model.source.kind === 'timm') {
      throw new TrainerError(`model '${name}' is a timm model: the tfjs trainer only runs tfjs models (use --trainer command)`, 'trainer.unknownModel');
    }
    return model;
  }

  async get(name: string): Promise<PretrainedModel> {
    let model = this.models.get(name);
    if (!model) {
      model = this.entry(name).then((entry) => loadPretrained(this.tf, entry, dirname(this.hubFile)));
      this.models.set(name, model);
      model.catch(() => this.models.delete(name));
    }
    return model;
  }

  async dispose(): Promise<void> {
    for (const model of this.models.values()) (await model.catch(() => undefined))?.dispose();
    this.models.clear();
  }
}
