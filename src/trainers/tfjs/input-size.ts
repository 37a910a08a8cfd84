import type { HubModel } from '../../hub/model-hub.ts';
import { TfjsHubSettingsSchema } from './model/hub-settings.ts';

/** What decides the input size of one model on one dataset. */
export interface InputSizeInputs {
  /** `QUICKTUNE_TFJS_INPUT_SIZE` (the trainer's `inputSize` setting): every model at this size. */
  readonly override?: number | undefined;
  /** The hub entry's `trainer.train_input_size`: a size chosen for this model by whoever wrote the hub. */
  readonly trainInputSize?: number | undefined;
  /** The hub entry's `input_size`: the size the model was pretrained at. */
  readonly hubSize: number;
  /** The hub entry's `trainer.min_input_size`: below it the network's valid convolutions run out of pixels. */
  readonly minInputSize: number;
  /** The dataset's median crop side in source pixels (see medianCropSide). */
  readonly datasetSide: number;
}

/** Where a resolved size came from (for logs and the trainer's description). */
export type InputSizeSource = 'override' | 'hub' | 'data';

export interface ResolvedInputSize {
  readonly size: number;
  readonly source: InputSizeSource;
  /** The size asked for before it was raised to the model's minimum (equal to size when not raised). */
  readonly wanted: number;
}

/** Input sizes are multiples of this: MobileNet and Inception halve the resolution five times. */
export const INPUT_SIZE_STEP = 32;

/**
 * The input size of a model on a dataset. An explicit override or hub setting wins; otherwise the data rule:
 * the dataset's median crop side rounded up to a multiple of 32, at most the hub's (pretraining) size. Either
 * way the result is raised to the model's minimum input size.
 *
 * NOTE: blowing 128-px images up to 224 px costs three times the compute per epoch and adds no pixel the
 * files do not have; docs/tfjs-trainer.md has the measurement that chose this rule.
 */
export function resolveInputSize(inputs: InputSizeInputs): ResolvedInputSize {
  let wanted: number;
  let source: InputSizeSource;
  if (inputs.override !== undefined) {
    wanted = inputs.override;
    source = 'override';
  } else if (inputs.trainInputSize !== undefined) {
    wanted = inputs.trainInputSize;
    source = 'hub';
  } else {
    const rounded = Math.ceil(Math.max(1, inputs.datasetSide) / INPUT_SIZE_STEP) * INPUT_SIZE_STEP;
    wanted = Math.min(inputs.hubSize, rounded);
    source = 'data';
  }
  return { size: Math.max(wanted, inputs.minInputSize), source, wanted };
}

/** {@link resolveInputSize} for a hub entry, with the trainer's override and the dataset's median crop side. */
export function inputSizeForModel(model: HubModel, override: number | undefined, datasetSide: number): ResolvedInputSize {
  const settings = TfjsHubSettingsSchema.parse(model.trainer ?? {});
  return resolveInputSize({
    override,
    trainInputSize: settings.train_input_size,
    hubSize: model.input_size,
    minInputSize: settings.min_input_size,
    datasetSide,
  });
}
