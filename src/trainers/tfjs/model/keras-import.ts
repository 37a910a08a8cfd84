import { z } from 'zod';
import type { Activation, IrModel, IrNode, OpSpec, Padding, Pair, ParamRole } from './ir.ts';
import { topologicalOrder } from './ir.ts';

const LayerSchema = z.object({
  class_name: z.string(),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  inbound_nodes: z.array(z.unknown()).optional(),
});

const ModelConfigSchema = z.object({
  class_name: z.string(),
  config: z.union([
    z.object({ layers: z.array(LayerSchema), output_layers: z.array(z.tuple([z.string(), z.number(), z.number()])).optional() }),
    z.array(LayerSchema),
  ]),
});

/** Keras/converter files wrap the model config in `model_config`; tfjs-layers' own save() does not. */
const TopologySchema = z.union([z.object({ model_config: ModelConfigSchema }), ModelConfigSchema.transform((m) => ({ model_config: m }))]);

type Layer = z.infer<typeof LayerSchema>;

const ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'swish', 'elu', 'selu', 'softplus', 'hard_sigmoid']);

function activation(value: unknown, where: string): Activation {
  const name = value === undefined || value === null ? 'linear' : String(value);
  if (name === 'silu') return 'swish';
  if (!ACTIVATIONS.has(name)) throw new Error(`${where}: unsupported activation '${name}'`);
  return name as Activation;
}

function pair(value: unknown, fallback: number): Pair {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  return [fallback, fallback];
}

function padding(value: unknown, where: string): 'same' | 'valid' {
  if (value === 'same' || value === 'valid') return value;
  throw new Error(`${where}: unsupported padding ${JSON.stringify(value)}`);
}

/** Names of the layers feeding a Keras 2 layer: inbound_nodes = [[[name, nodeIndex, tensorIndex, kwargs], ...]]. */
function inboundNames(layer: Layer, where: string): string[] {
  const calls = layer.inbound_nodes ?? [];
  if (calls.length === 0) return [];
  if (calls.length > 1) throw new Error(`${where}: layers called more than once (shared layers) are not supported`);
  const call = calls[0];
  if (!Array.isArray(call)) throw new Error(`${where}: unsupported inbound_nodes format (Keras 3 models must be converted with Keras 2 layout)`);
  return call.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`${where}: malformed inbound node`);
    return entry[0];
  });
}

function convertLayer(layer: Layer, name: string): { op: OpSpec; params: Partial<Record<ParamRole, string>> } {
  const c = layer.config;
  const where = `layer '${name}' (${layer.class_name})`;
  const bias = c.use_bias === false ? {} : { bias: `${name}/bias` };
  switch (layer.class_name) {
    case 'InputLayer':
      return { op: { kind: 'input' }, params: {} };
    case 'Conv2D': {
      if (c.groups !== undefined && c.groups !== 1) throw new Error(`${where}: grouped convolutions are not supported`);
      const op: OpSpec = { kind: 'conv2d', strides: pair(c.strides, 1), padding: padding(c.padding, where), dilations: pair(c.dilation_rate, 1), activation: activation(c.activation, where) };
      return { op, params: { kernel: `${name}/kernel`, ...bias } };
    }
    case 'DepthwiseConv2D': {
      const op: OpSpec = { kind: 'depthwise', strides: pair(c.strides, 1), padding: padding(c.padding, where), dilations: pair(c.dilation_rate, 1), activation: activation(c.activation, where) };
      return { op, params: { kernel: `${name}/depthwise_kernel`, ...bias } };
    }
    case 'BatchNormalization': {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      if (axis !== -1 && axis !== 3) throw new Error(`${where}: only channel-last batch normalization is supported`);
      const params: Partial<Record<ParamRole, string>> = { mean: `${name}/moving_mean`, variance: `${name}/moving_variance` };
      if (c.scale !== false) params.gamma = `${name}/gamma`;
      if (c.center !== false) params.beta = `${name}/beta`;
      return { op: { kind: 'batchnorm', epsilon: typeof c.epsilon === 'number' ? c.epsilon : 1e-3 }, params };
    }
    case 'ReLU': {
      const max = c.max_value;
      if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`${where}: only plain ReLU / ReLU6 are supported`);
      if (max === 6) return { op: { kind: 'activation', activation: 'relu6' }, params: {} };
      if (max === null || max === undefined) return { op: { kind: 'activation', activation: 'relu' }, params: {} };
      throw new Error(`${where}: ReLU with max_value ${String(max)} is not supported`);
    }
    case 'Activation':
      return { op: { kind: 'activation', activation: activation(c.activation, where) }, params: {} };
    case 'ZeroPadding2D': {
      const p = c.padding;
      let pads: [Pair, Pair];
      if (typeof p === 'number') pads = [[p, p], [p, p]];
      else if (Array.isArray(p) && Array.isArray(p[0])) pads = [pair(p[0], 0), pair(p[1], 0)];
      else if (Array.isArray(p)) pads = [[Number(p[0]), Number(p[0])], [Number(p[1]), Number(p[1])]];
      else throw new Error(`${where}: malformed padding`);
      return { op: { kind: 'zeropad', pads }, params: {} };
    }
    case 'Add':
      return { op: { kind: 'add' }, params: {} };
    case 'Multiply':
      return { op: { kind: 'multiply' }, params: {} };
    case 'Concatenate': {
      const axis = typeof c.axis === 'number' ? c.axis : -1;
      if (axis !== -1 && axis !== 3) throw new Error(`${where}: only channel concatenation is supported`);
      return { op: { kind: 'concat', axis: -1 }, params: {} };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return {
        op: { kind: 'pool', mode: layer.class_name === 'MaxPooling2D' ? 'max' : 'avg', size: pair(c.pool_size, 2), strides: pair(c.strides ?? c.pool_size, 2), padding: padding(c.padding ?? 'valid', where) },
        params: {},
      };
    case 'GlobalAveragePooling2D':
      return { op: { kind: 'global-pool', mode: 'avg' }, params: {} };
    case 'GlobalMaxPooling2D':
      return { op: { kind: 'global-pool', mode: 'max' }, params: {} };
    case 'Flatten':
      return { op: { kind: 'flatten' }, params: {} };
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
      return { op: { kind: 'identity' }, params: {} };
    case 'Dense':
      return { op: { kind: 'dense', activation: activation(c.activation, where) }, params: { kernel: `${name}/kernel`, ...bias } };
    default:
      throw new Error(`${where}: layer type not supported by the tfjs trainer`);
  }
}

/**
 * Converts a Keras (tfjs-converter "layers-model") topology into the IR. Supports the layer types of common
 * convolutional ImageNet models (MobileNet, Inception, ResNet, EfficientNet-style blocks without SE scaling of
 * arbitrary shapes); anything else is rejected with the layer's name.
 */
export function importKerasTopology(topology: unknown): IrModel {
  const parsed = TopologySchema.safeParse(topology);
  if (!parsed.success) throw new Error(`not a Keras layers-model topology: ${parsed.error.issues[0]?.message ?? ''}`);
  const config = parsed.data.model_config.config;
  const layers = Array.isArray(config) ? config : config.layers;
  const sequential = parsed.data.model_config.class_name === 'Sequential';
  const nodes: IrNode[] = [];
  let previous: string | undefined;
  for (const [index, layer] of layers.entries()) {
    const name = layer.name ?? (typeof layer.config.name === 'string' ? layer.config.name : `layer_${index}`);
    const { op, params } = convertLayer(layer, name);
    let inputs = sequential ? (previous ? [previous] : []) : inboundNames(layer, `layer '${name}'`);
    if (sequential && index === 0 && op.kind !== 'input') {
      nodes.push({ name: 'input', op: { kind: 'input' }, inputs: [], params: {} });
      inputs = ['input'];
    }
    nodes.push({ name, op, inputs, params });
    previous = name;
  }
  const inputs = nodes.filter((n) => n.op.kind === 'input');
  if (inputs.length !== 1) throw new Error(`expected one input layer, found ${inputs.length}`);
  const output = Array.isArray(config) ? previous : (config.output_layers?.[0]?.[0] ?? previous);
  if (!output) throw new Error('model has no layers');
  return { nodes: topologicalOrder(nodes), input: inputs[0]?.name ?? 'input', output };
}
