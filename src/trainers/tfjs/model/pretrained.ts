import type { Tf } from '../../../backend/tfjs-backend.ts';
import type { HubModel } from '../../../hub/model-hub.ts';
import { loadArtifacts } from './artifacts.ts';
import { importGraphTopology } from './graph-import.ts';
import type { IrModel, IrNode } from './ir.ts';
import { importKerasTopology } from './keras-import.ts';
import type { WeightMap } from './network.ts';
import { applyNode, type NodeParams } from './ops.ts';
import { defaultFeatureNode } from './plan.ts';
import { TfjsHubSettingsSchema, type TfjsHubSettings } from './hub-settings.ts';

type Tensor = ReturnType<Tf['tensor']>;

export { TfjsHubSettingsSchema, type TfjsHubSettings } from './hub-settings.ts';

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
