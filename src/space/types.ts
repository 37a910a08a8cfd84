/** A hyperparameter value as the optimizer and trainers see it; `null` = inactive or unknown. */
export type ParamValue = string | number | boolean | null;

/**
 * One pipeline: the pretrained model plus its finetuning hyperparameters. The model is the `model` key,
 * so a config is a flat record that serializes to one JSON object and one CSV row.
 */
export type Config = Readonly<Record<string, ParamValue>> & { readonly model: string };

/** A candidate pipeline of a search: a stable id plus its config. */
export interface Pipeline {
  readonly id: string;
  readonly config: Config;
}
