import type { Tf } from '../../../backend/tfjs-backend.ts';
import type { Activation, IrNode, Padding } from './ir.ts';

type Tensor = ReturnType<Tf['tensor']>;
type T4 = ReturnType<Tf['tensor4d']>;
type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid';

/** Explicit padding becomes a zero pad followed by a 'valid' op (the fused depthwise op takes no explicit pads). */
function padded(tf: Tf, x: Tensor, padding: Padding): { x: Tensor; pad: 'same' | 'valid' } {
  if (!Array.isArray(padding)) return { x, pad: padding };
  return { x: tf.pad(x, [[0, 0], padding[0], padding[1], [0, 0]]), pad: 'valid' };
}

export function activate(tf: Tf, x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'softplus':
      return tf.softplus(x);
    case 'hard_sigmoid':
      return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
  }
}

/** Weights of one node by role, already resolved to tensors (variables or constants). */
export type NodeParams = Partial<Record<'kernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance', Tensor>>;

/**
 * Applies one IR node. `differentiable` selects ops whose gradients tfjs implements (fused conv only with
 * linear/relu); otherwise the fused wasm kernels are used for any activation they support.
 */
export function applyNode(tf: Tf, node: IrNode, inputs: readonly Tensor[], p: NodeParams, differentiable: boolean): Tensor {
  const op = node.op;
  const x = inputs[0] as Tensor;
  const need = (role: keyof NodeParams): Tensor => {
    const t = p[role];
    if (!t) throw new Error(`node '${node.name}': missing weight '${role}'`);
    return t;
  };
  switch (op.kind) {
    case 'input':
    case 'identity':
      return x;
    case 'conv2d':
    case 'depthwise': {
      const fusable: FusedActivation[] = differentiable ? ['linear', 'relu'] : ['linear', 'relu', 'relu6', 'elu', 'sigmoid'];
      const fused = fusable.includes(op.activation as FusedActivation);
      const input = padded(tf, x, op.padding);
      const args = {
        x: input.x as T4,
        filter: need('kernel') as T4,
        strides: op.strides,
        pad: input.pad,
        dataFormat: 'NHWC' as const,
        dilations: op.dilations,
        bias: p.bias,
        activation: (fused ? op.activation : 'linear') as FusedActivation,
      };
      const y = op.kind === 'conv2d' ? tf.fused.conv2d(args) : tf.fused.depthwiseConv2d(args);
      return fused ? y : activate(tf, y, op.activation);
    }
    case 'batchnorm': {
      const scale = tf.mul(tf.rsqrt(tf.add(need('variance'), op.epsilon)), p.gamma ?? 1);
      const shift = tf.sub(p.beta ?? 0, tf.mul(need('mean'), scale));
      return tf.add(tf.mul(x, scale), shift);
    }
    case 'activation':
      return activate(tf, x, op.activation);
    case 'zeropad':
      return tf.pad(x, [[0, 0], op.pads[0], op.pads[1], [0, 0]]);
    case 'add':
      return inputs.length === 2 ? tf.add(x, inputs[1] as Tensor) : tf.addN([...inputs]);
    case 'multiply':
      return inputs.slice(1).reduce((acc, t) => tf.mul(acc, t), x);
    case 'concat':
      return tf.concat([...inputs], -1);
    case 'pool':
      return op.mode === 'max' ? tf.maxPool(x as T4, op.size, op.strides, op.padding) : tf.avgPool(x as T4, op.size, op.strides, op.padding);
    case 'global-pool':
      return op.mode === 'max' ? tf.max(x, [1, 2]) : tf.mean(x, [1, 2]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0] ?? -1, -1]);
    case 'dense': {
      const y = tf.matMul(x as ReturnType<Tf['tensor2d']>, need('kernel') as ReturnType<Tf['tensor2d']>);
      return activate(tf, p.bias ? tf.add(y, p.bias) : y, op.activation);
    }
    case 'affine':
      return tf.add(tf.mul(x, op.scale), op.offset);
  }
}
