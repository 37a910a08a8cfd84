import type { IrNode, OpSpec, Padding, ParamRole } from '../trainers/tfjs/model/ir.ts';

/** A weight tensor's values as the exported model stores them. */
export interface WeightValue {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** What a network is exported from: its backbone nodes, their weights and the new classification head. */
export interface ExportSource {
  /** Backbone nodes in topological order, up to the feature node (NetworkPlan.nodes). */
  readonly nodes: readonly IrNode[];
  readonly featureNode: string;
  /** The current value of a backbone weight by its IR name (trained where it was trained). */
  weight(name: string): WeightValue;
  readonly head: { readonly kernel: WeightValue; readonly bias: WeightValue };
  readonly inputSize: number;
}

/** A Keras functional model's JSON (tfjs-layers' `modelTopology`) and its weights in manifest order. */
export interface ExportedTopology {
  readonly modelTopology: Record<string, unknown>;
  readonly weights: ReadonlyArray<{ readonly name: string; readonly value: WeightValue }>;
}

type KerasLayer = { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] };

/** Keras names for the IR's weight roles, per layer type. */
const KERAS_WEIGHT: Readonly<Record<string, Partial<Record<ParamRole, string>>>> = {
  Conv2D: { kernel: 'kernel', bias: 'bias' },
  DepthwiseConv2D: { kernel: 'depthwise_kernel', bias: 'bias' },
  Dense: { kernel: 'kernel', bias: 'bias' },
  BatchNormalization: { gamma: 'gamma', beta: 'beta', mean: 'moving_mean', variance: 'moving_variance' },
};

/** Layer names tfjs accepts and weight names cannot confuse: letters, digits and underscores, unique. */
function namer(): (raw: string) => string {
  const used = new Set<string>();
  return (raw) => {
    const base = raw.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, 'l') || 'layer';
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}

/**
 * Writes a backbone (quicktune's IR, trained weights) plus global average pooling and a softmax head as a Keras
 * functional model that plain tfjs-layers loads (`tf.loadLayersModel`). Explicit paddings become ZeroPadding2D
 * layers; batch norm stays a layer (inference mode: its moving statistics); identities are dropped.
 */
export function kerasTopology(source: ExportSource, classes: number): ExportedTopology {
  const name = namer();
  const layers: KerasLayer[] = [];
  const weights: Array<{ name: string; value: WeightValue }> = [];
  /** IR node name → the Keras layer whose output stands for it. */
  const output = new Map<string, string>();
  const layerOf = (irName: string): string => {
    const layer = output.get(irName);
    if (layer === undefined) throw new Error(`node '${irName}' is read before it is exported`);
    return layer;
  };
  /** Adds a layer reading the outputs of the Keras layers `inbound`; returns its (unique) name. */
  const add = (className: string, raw: string, config: Record<string, unknown>, inbound: readonly string[]): string => {
    const layerName = name(raw);
    layers.push({
      class_name: className,
      name: layerName,
      config: { name: layerName, trainable: false, dtype: 'float32', ...config },
      inbound_nodes: inbound.length === 0 ? [] : [inbound.map((layer) => [layer, 0, 0, {}])],
    });
    return layerName;
  };
  const addWeights = (layerName: string, className: string, node: IrNode): void => {
    for (const [role, kerasName] of Object.entries(KERAS_WEIGHT[className] ?? {}) as Array<[ParamRole, string]>) {
      const irName = node.params[role];
      if (irName !== undefined) weights.push({ name: `${layerName}/${kerasName}`, value: source.weight(irName) });
    }
  };

  for (const node of source.nodes) {
    const op = node.op;
    if (op.kind === 'identity') {
      output.set(node.name, layerOf(node.inputs[0] ?? ''));
      continue;
    }
    if (op.kind === 'input') {
      output.set(node.name, add('InputLayer', node.name, { batch_input_shape: [null, source.inputSize, source.inputSize, 3], sparse: false }, []));
      continue;
    }
    let inbound = node.inputs.map(layerOf);
    if ((op.kind === 'conv2d' || op.kind === 'depthwise') && Array.isArray(op.padding)) {
      inbound = [add('ZeroPadding2D', `${node.name}_pad`, { padding: op.padding, data_format: 'channels_last' }, inbound)];
    }
    const { className, config } = kerasLayer(node, op, source);
    const layerName = add(className, node.name, config, inbound);
    addWeights(layerName, className, node);
    output.set(node.name, layerName);
  }
  const pooled = add('GlobalAveragePooling2D', 'qt_pool', { data_format: 'channels_last' }, [layerOf(source.featureNode)]);
  const head = add('Dense', 'qt_head', { units: classes, activation: 'softmax', use_bias: true }, [pooled]);
  weights.push({ name: `${head}/kernel`, value: source.head.kernel }, { name: `${head}/bias`, value: source.head.bias });
  const input = layers.find((l) => l.class_name === 'InputLayer')?.name ?? 'input';
  return {
    modelTopology: {
      class_name: 'Model',
      config: { name: 'quicktune_model', layers, input_layers: [[input, 0, 0]], output_layers: [[head, 0, 0]] },
      keras_version: '2.15.0',
      backend: 'tensor_flow.js',
    },
    weights,
  };
}

function kernelShape(node: IrNode, source: ExportSource): readonly number[] {
  const kernel = node.params.kernel;
  if (kernel === undefined) throw new Error(`node '${node.name}' has no kernel`);
  return source.weight(kernel).shape;
}

function kerasPadding(padding: Padding): 'same' | 'valid' {
  return Array.isArray(padding) ? 'valid' : padding;
}

/** The Keras layer (class and config) of one IR node; throws on an op Keras cannot express. */
function kerasLayer(node: IrNode, op: OpSpec, source: ExportSource): { className: string; config: Record<string, unknown> } {
  const bias = node.params.bias !== undefined;
  switch (op.kind) {
    case 'conv2d': {
      const [kh, kw, , filters] = kernelShape(node, source);
      return {
        className: 'Conv2D',
        config: { filters, kernel_size: [kh, kw], strides: op.strides, padding: kerasPadding(op.padding), data_format: 'channels_last', dilation_rate: op.dilations, activation: op.activation, use_bias: bias },
      };
    }
    case 'depthwise': {
      const [kh, kw, , multiplier] = kernelShape(node, source);
      return {
        className: 'DepthwiseConv2D',
        config: { kernel_size: [kh, kw], strides: op.strides, padding: kerasPadding(op.padding), depth_multiplier: multiplier, data_format: 'channels_last', dilation_rate: op.dilations, activation: op.activation, use_bias: bias },
      };
    }
    case 'batchnorm':
      return { className: 'BatchNormalization', config: { axis: -1, momentum: 0.99, epsilon: op.epsilon, center: node.params.beta !== undefined, scale: node.params.gamma !== undefined } };
    case 'activation':
      return { className: 'Activation', config: { activation: op.activation } };
    case 'zeropad':
      return { className: 'ZeroPadding2D', config: { padding: op.pads, data_format: 'channels_last' } };
    case 'add':
      return { className: 'Add', config: {} };
    case 'multiply':
      return { className: 'Multiply', config: {} };
    case 'concat':
      return { className: 'Concatenate', config: { axis: -1 } };
    case 'pool':
      return { className: op.mode === 'max' ? 'MaxPooling2D' : 'AveragePooling2D', config: { pool_size: op.size, strides: op.strides, padding: op.padding, data_format: 'channels_last' } };
    case 'global-pool':
      return { className: op.mode === 'max' ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D', config: { data_format: 'channels_last' } };
    case 'flatten':
      return { className: 'Flatten', config: {} };
    case 'dense':
      return { className: 'Dense', config: { units: kernelShape(node, source)[1], activation: op.activation, use_bias: bias } };
    case 'affine':
      return { className: 'Rescaling', config: { scale: op.scale, offset: op.offset } };
    case 'input':
    case 'identity':
      throw new Error(`node '${node.name}': ${op.kind} is not a layer`);
  }
}
