/**
 * A framework-neutral description of a pretrained convolutional network: nodes in topological order, each with
 * the names of its weights. Keras layers models and TensorFlow graph models are both imported into it, so
 * freezing, feature caching and checkpointing are written once.
 */

export type Activation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax' | 'swish' | 'elu' | 'selu' | 'softplus' | 'hard_sigmoid';

/** 'same', 'valid', or explicit [[top, bottom], [left, right]] zero padding. */
export type Padding = 'same' | 'valid' | [[number, number], [number, number]];

export type Pair = [number, number];

export type OpSpec =
  | { readonly kind: 'input' }
  | { readonly kind: 'conv2d'; readonly strides: Pair; readonly padding: Padding; readonly dilations: Pair; readonly activation: Activation }
  | { readonly kind: 'depthwise'; readonly strides: Pair; readonly padding: Padding; readonly dilations: Pair; readonly activation: Activation }
  | { readonly kind: 'batchnorm'; readonly epsilon: number }
  | { readonly kind: 'activation'; readonly activation: Activation }
  | { readonly kind: 'zeropad'; readonly pads: [Pair, Pair] }
  | { readonly kind: 'add' }
  | { readonly kind: 'multiply' }
  | { readonly kind: 'concat'; readonly axis: number }
  | { readonly kind: 'pool'; readonly mode: 'max' | 'avg'; readonly size: Pair; readonly strides: Pair; readonly padding: 'same' | 'valid' }
  | { readonly kind: 'global-pool'; readonly mode: 'max' | 'avg' }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'identity' }
  | { readonly kind: 'dense'; readonly activation: Activation }
  | { readonly kind: 'affine'; readonly scale: number; readonly offset: number };

export type ParamRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance';

export interface IrNode {
  readonly name: string;
  readonly op: OpSpec;
  /** Names of the nodes whose outputs feed this one, in argument order. */
  readonly inputs: readonly string[];
  /** Weight names (keys of the decoded weight map) by role. */
  readonly params: Readonly<Partial<Record<ParamRole, string>>>;
}

export interface IrModel {
  /** Topologically ordered: every node comes after its inputs. */
  readonly nodes: readonly IrNode[];
  readonly input: string;
  readonly output: string;
}

/** Ops that hold weights: the "layers" counted by pct_to_freeze. */
export function hasWeights(node: IrNode): boolean {
  return Object.keys(node.params).length > 0;
}

/** Orders nodes so that each follows its inputs (stable for already ordered lists); throws on a cycle. */
export function topologicalOrder(nodes: readonly IrNode[]): IrNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: IrNode[] = [];
  const visit = (node: IrNode): void => {
    if (done.has(node.name)) return;
    if (visiting.has(node.name)) throw new Error(`model graph has a cycle through '${node.name}'`);
    visiting.add(node.name);
    for (const input of node.inputs) {
      const dep = byName.get(input);
      if (!dep) throw new Error(`node '${node.name}' reads unknown node '${input}'`);
      visit(dep);
    }
    visiting.delete(node.name);
    done.add(node.name);
    out.push(node);
  };
  for (const node of nodes) visit(node);
  return out;
}
