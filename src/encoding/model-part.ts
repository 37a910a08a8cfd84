import type { HubModel, ModelHub } from '../hub/model-hub.ts';
import { stats } from './column-fit.ts';
import type { Descriptor, ModelPartState } from './state.ts';

/** The hub schema's architectures, in a fixed order: the one-hot must not depend on which hub was used. */
export const ARCHITECTURES = ['cnn', 'vit', 'hybrid'] as const;

export function descriptorOf(model: HubModel): Descriptor {
  return {
    params_m: model.params_m,
    input_size: model.input_size,
    imagenet_top1: model.imagenet_top1,
    family: model.family,
    architecture: model.architecture,
  };
}

/**
 * Fits the model part: a one-hot over the meta-dataset's models plus hub descriptors (log parameters, log
 * input size, ImageNet top-1, family and architecture one-hots). Descriptor statistics are taken over the
 * meta-dataset's models found in the hub (the distribution the predictor learns from), or over the whole
 * hub when none of them is in it.
 */
export function fitModelPart(models: readonly string[], hub: ModelHub | null): ModelPartState {
  const descriptors: Record<string, Descriptor> = {};
  for (const model of hub?.models ?? []) descriptors[model.name] = descriptorOf(model);
  const known = models.map((name) => descriptors[name]).filter((d): d is Descriptor => d !== undefined);
  const basis = known.length > 0 ? known : Object.values(descriptors);
  const families = [...new Set(Object.values(descriptors).map((d) => d.family))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    names: [...models],
    descriptors,
    families,
    architectures: [...ARCHITECTURES],
    logParams: stats(basis.map((d) => Math.log(d.params_m))),
    logInputSize: stats(basis.map((d) => Math.log(d.input_size))),
    top1: stats(basis.map((d) => d.imagenet_top1).filter((v): v is number => v !== null)),
  };
}

/** Runtime encoder of the model part. Layout: one-hot | 3 descriptor numerics | top1 missing | families | architectures | no descriptor. */
export class ModelCodec {
  readonly state: ModelPartState;
  readonly oneHotWidth: number;
  readonly width: number;
  private readonly index: ReadonlyMap<string, number>;
  private readonly extra: ReadonlyMap<string, Descriptor>;

  constructor(state: ModelPartState, extraHub: ModelHub | null = null) {
    this.state = state;
    this.index = new Map(state.names.map((name, i) => [name, i]));
    // NOTE: descriptors saved at fit time win over a later hub's, so a known model always encodes the same.
    const extra = new Map<string, Descriptor>();
    for (const model of extraHub?.models ?? []) if (state.descriptors[model.name] === undefined) extra.set(model.name, descriptorOf(model));
    this.extra = extra;
    this.oneHotWidth = state.names.length;
    this.width = this.oneHotWidth + 4 + state.families.length + state.architectures.length + 1;
  }

  descriptor(model: string): Descriptor | undefined {
    return this.state.descriptors[model] ?? this.extra.get(model);
  }

  isKnown(model: string): boolean {
    return this.index.has(model) || this.descriptor(model) !== undefined;
  }

  encode(model: string, out: Float32Array, at: number, fill: number): void {
    const s = this.state;
    out.fill(0, at, at + this.width);
    const hot = this.index.get(model);
    if (hot !== undefined) out[at + hot] = 1;
    let k = at + this.oneHotWidth;
    const d = this.descriptor(model);
    if (d === undefined) {
      out[k] = fill;
      out[k + 1] = fill;
      out[k + 2] = fill;
      out[k + 3] = 1;
      out[at + this.width - 1] = 1;
      return;
    }
    out[k] = (Math.log(d.params_m) - s.logParams.mean) / s.logParams.std;
    out[k + 1] = (Math.log(d.input_size) - s.logInputSize.mean) / s.logInputSize.std;
    out[k + 2] = d.imagenet_top1 === null ? fill : (d.imagenet_top1 - s.top1.mean) / s.top1.std;
    out[k + 3] = d.imagenet_top1 === null ? 1 : 0;
    k += 4;
    const family = s.families.indexOf(d.family);
    if (family >= 0) out[k + family] = 1;
    k += s.families.length;
    const architecture = s.architectures.indexOf(d.architecture);
    if (architecture >= 0) out[k + architecture] = 1;
  }

  names(): string[] {
    const s = this.state;
    return [
      ...s.names.map((name) => `model=${name}`),
      'model:log_params',
      'model:log_input_size',
      'model:imagenet_top1',
      'model:imagenet_top1:missing',
      ...s.families.map((f) => `model:family=${f}`),
      ...s.architectures.map((a) => `model:architecture=${a}`),
      'model:no_descriptor',
    ];
  }
}
