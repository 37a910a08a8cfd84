import { z } from 'zod';
import type { Tf } from '../../../backend/tfjs-backend.ts';
import type { HubModel } from '../../../hub/model-hub.ts';
import { loadArtifacts } from './artifacts.ts';
import { importGraphTopology } from './graph-import.ts';
import type { IrModel, IrNode } from './ir.ts';
import { importKerasTopology } from './keras-import.ts';
import type { WeightMap } from './network.ts';
import { applyNode, type NodeParams } from './ops.ts';
import { defaultFeatureNode } from './plan.ts';

type Tensor = ReturnType<Tf['tensor']>;

/** tfjs-trainer settings of a hub entry (its free-form `trainer` record). */
export const TfjsHubSettingsSchema = z.object({
  /** The node whose output feeds the original classifier; found automatically when absent. */
  feature_node: z.string().optional(),
  /** Pixels (0..255) are mapped to pixel · input_scale + input_offset before the network. */
  input_scale: z.number().default(1 / 255),
  input_offset: z.number().default(0),
  /** Input size the trainer uses; defaults to the hub's input_size. */
  train_input_size: z.number().int().positive().optional(),
  /** The smallest input the network accepts (its valid convolutions and poolings shrink the image). */
  min_input_size: z.number().int().positive().default(32),
});
export type TfjsHubSettings = z.infer<typeof TfjsHubSettingsSchema>;

/** A pretrained network in memory: its IR, its decoded weights and how to feed it. */
export interface PretrainedModel {
  readonly name: string;
  readonly ir: IrModel;
  readonly weights: WeightMap;
  readonly featureNode: string;
  readonly settings: TfjsHubSettings;
  readonly origin: string;
  dispose(): void;
}

/** Loads a hub model's weights onto the current tfjs backend and imports its topology. */
export async function loadPretrained(tf: Tf, model: HubModel, hubDir: string): Promise<PretrainedModel> {
  const settings = TfjsHubSettingsSchema.parse(model.trainer ?? {});
  const artifacts = await loadArtifacts(model, hubDir);
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs as never) as Record<string, Tensor>;
  try {
    const ir =
      artifacts.format === 'layers'
        ? importKerasTopology(artifacts.topology)
        : importGraphTopology(artifacts.topology, (name) => {
            const t = weights[name];
            return t && t.size <= 16 ? Array.from(t.dataSync()) : undefined;
          });
    const featureNode = settings.feature_node ?? defaultFeatureNode(ir);
    return {
      name: model.name,
      ir,
      weights,
      featureNode,
      settings,
      origin: artifacts.origin,
      dispose: () => tf.dispose(Object.values(weights)),
    };
  } catch (error) {
    tf.dispose(Object.values(weights));
    throw new Error(`${model.name} (${artifacts.origin}): ${(error as Error).message}`);
  }
}

/**
 * Runs the whole imported network (original classifier included) on constant weights, up to `until`
 * (default: the model output). For checking an import against the framework that wrote the model.
 */
export function runIr(tf: Tf, ir: IrModel, weights: WeightMap, input: Tensor, until = ir.output): Tensor {
  return tf.tidy(() => {
    const values = new Map<string, Tensor>([[ir.input, input]]);
    for (const node of ir.nodes) {
      if (node.op.kind === 'input') continue;
      const params: NodeParams = {};
      for (const [role, name] of Object.entries(node.params) as Array<[keyof NodeParams, string]>) params[role] = weights[name];
      values.set(node.name, applyNode(tf, node as IrNode, node.inputs.map((i) => values.get(i) as Tensor), params, false));
      if (node.name === until) break;
    }
    const out = values.get(until);
    if (!out) throw new Error(`node '${until}' was not computed`);
    return out;
  });
}
