import type { Tf } from '../../../backend/tfjs-backend.ts';
import type { IrNode, ParamRole } from './ir.ts';
import { applyNode, type NodeParams } from './ops.ts';
import type { NetworkPlan } from './plan.ts';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;
export type WeightMap = Readonly<Record<string, Tensor>>;

/** A backbone weight being finetuned. */
export interface TrainableParam {
  /** The pretrained weight's name (stable across runs: the checkpoint key). */
  readonly name: string;
  readonly variable: Variable;
  /** Index of its layer in {@link NetworkPlan.layers} (input side = 0). */
  readonly layer: number;
  /** The pretrained value (not owned), for L2-SP regularization. */
  readonly pretrained: Tensor;
}

const TRAINABLE_ROLES: readonly ParamRole[] = ['kernel', 'bias', 'gamma', 'beta'];
let instances = 0;

/**
 * A pretrained backbone split by a {@link NetworkPlan}: the frozen prefix runs on constants (with batch norm
 * folded into the preceding convolution), the rest on variables. Batch norm always uses its moving statistics
 * (inference mode), the usual choice when finetuning with small batches. Outputs globally average-pooled features.
 */
export class Network {
  readonly plan: NetworkPlan;
  readonly params: readonly TrainableParam[];
  private readonly tf: Tf;
  private readonly weights: WeightMap;
  private readonly prefixSteps: Array<{ node: IrNode; params: NodeParams }> = [];
  private readonly owned: Tensor[] = [];
  private readonly byNode = new Map<string, NodeParams>();

  constructor(tf: Tf, plan: NetworkPlan, weights: WeightMap) {
    this.tf = tf;
    this.plan = plan;
    this.weights = weights;
    const id = ++instances;
    const params: TrainableParam[] = [];
    const frozen = new Set(plan.layers.slice(0, plan.frozenLayers));
    for (const node of plan.trainable) {
      const resolved: NodeParams = {};
      for (const [role, name] of Object.entries(node.params) as Array<[ParamRole, string]>) {
        const pretrained = this.weight(name);
        if (TRAINABLE_ROLES.includes(role) && !frozen.has(node.name)) {
          const variable = tf.variable(pretrained, true, `qt${id}/${name}`);
          params.push({ name, variable, layer: plan.layers.indexOf(node.name), pretrained });
          resolved[role] = variable;
        } else {
          resolved[role] = pretrained;
        }
      }
      this.byNode.set(node.name, resolved);
    }
    this.params = params;
    this.buildPrefix();
  }

  private weight(name: string): Tensor {
    const t = this.weights[name];
    if (!t) throw new Error(`weight '${name}' is missing from the model's weights`);
    return t;
  }

  private constants(node: IrNode): NodeParams {
    const out: NodeParams = {};
    for (const [role, name] of Object.entries(node.params) as Array<[ParamRole, string]>) out[role] = this.weight(name);
    return out;
  }

  /** Folds frozen conv → batch norm (→ relu/relu6) chains into one fused convolution. */
  private buildPrefix(): void {
    const { tf, plan } = this;
    const consumers = new Map<string, string[]>();
    for (const node of plan.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.name]);
    const byName = new Map(plan.nodes.map((n) => [n.name, n]));
    const frontier = new Set(plan.frontier);
    const only = (name: string): IrNode | undefined => {
      const list = consumers.get(name) ?? [];
      const next = list.length === 1 ? byName.get(list[0] ?? '') : undefined;
      return next && plan.prefix.has(next.name) && !frontier.has(name) && name !== plan.featureNode ? next : undefined;
    };
    const skip = new Set<string>();
    for (const node of plan.nodes) {
      if (!plan.prefix.has(node.name) || skip.has(node.name) || node.op.kind === 'input') continue;
      const op = node.op;
      const bn = (op.kind === 'conv2d' || op.kind === 'depthwise') && op.activation === 'linear' ? only(node.name) : undefined;
      if (!bn || bn.op.kind !== 'batchnorm' || (op.kind !== 'conv2d' && op.kind !== 'depthwise')) {
        this.prefixSteps.push({ node, params: this.constants(node) });
        continue;
      }
      const p = this.constants(node);
      const b = this.constants(bn);
      const epsilon = bn.op.epsilon;
      const [kernel, bias] = tf.tidy(() => {
        const scale = tf.mul(tf.rsqrt(tf.add(b.variance as Tensor, epsilon)), b.gamma ?? 1);
        const shift = tf.sub(b.beta ?? 0, tf.mul(b.mean as Tensor, scale));
        const k = p.kernel as Tensor;
        const s = op.kind === 'depthwise' ? tf.reshape(scale, [k.shape[2] ?? 1, k.shape[3] ?? 1]) : scale;
        return [tf.mul(k, s), tf.add(tf.mul(p.bias ?? 0, scale), shift)];
      });
      this.owned.push(kernel, bias);
      skip.add(bn.name);
      let name = bn.name;
      let activation = op.activation;
      const act = only(bn.name);
      if (act?.op.kind === 'activation' && ['relu', 'relu6'].includes(act.op.activation)) {
        skip.add(act.name);
        name = act.name;
        activation = act.op.activation;
      }
      this.prefixSteps.push({ node: { name, op: { ...op, activation }, inputs: node.inputs, params: {} }, params: { kernel, bias } });
    }
  }

  /** True when no backbone weight is trained: the pooled features themselves can be cached. */
  get fullyFrozen(): boolean {
    return this.plan.trainable.length === 0;
  }

  /**
   * Runs the frozen prefix on preprocessed images: the frontier activations (or, when the whole backbone is
   * frozen, the pooled features). Call inside tf.tidy; no gradients flow here.
   */
  runPrefix(images: Tensor): Tensor[] {
    const tf = this.tf;
    const input = this.plan.nodes.find((n) => n.op.kind === 'input');
    if (!input) throw new Error('backbone has no input node');
    const keep = this.fullyFrozen ? [this.plan.featureNode] : this.plan.frontier;
    const values = this.execute(this.prefixSteps, new Map([[input.name, images]]), keep, true, false);
    if (this.fullyFrozen) {
      const features = values.get(this.plan.featureNode) as Tensor;
      const pooled = tf.mean(features, [1, 2]);
      if (features !== images) features.dispose();
      return [pooled];
    }
    return this.plan.frontier.map((name) => {
      const t = values.get(name);
      if (!t) throw new Error(`frontier node '${name}' was not computed`);
      return t;
    });
  }

  /**
   * Runs the trainable part from frontier activations to pooled features [batch, channels]. With
   * `release`, activations are freed as soon as their last reader has run (inference only: a gradient
   * tape needs them).
   */
  runTrainable(frontier: readonly Tensor[], release = false): Tensor {
    if (this.fullyFrozen) return frontier[0] as Tensor;
    const steps = this.plan.trainable.map((node) => ({ node, params: this.byNode.get(node.name) ?? {} }));
    const initial = new Map<string, Tensor>(this.plan.frontier.map((name, i) => [name, frontier[i] as Tensor]));
    const values = this.execute(steps, initial, [this.plan.featureNode], release, true);
    const features = values.get(this.plan.featureNode) as Tensor;
    const pooled = this.tf.mean(features, [1, 2]);
    if (release && !frontier.includes(features)) features.dispose();
    return pooled;
  }

  /**
   * Applies `steps` in order, each in its own tidy (so per-node temporaries go at once). With `release`, a
   * value is disposed after its last reader unless it is to be kept or was given by the caller.
   */
  private execute(
    steps: ReadonlyArray<{ node: IrNode; params: NodeParams }>,
    initial: Map<string, Tensor>,
    keep: readonly string[],
    release: boolean,
    differentiable: boolean,
  ): Map<string, Tensor> {
    const tf = this.tf;
    const values = new Map(initial);
    const lastUse = new Map<string, number>();
    steps.forEach((step, i) => step.node.inputs.forEach((name) => lastUse.set(name, i)));
    const given = new Set(initial.values());
    steps.forEach((step, i) => {
      const inputs = step.node.inputs.map((name) => {
        const t = values.get(name);
        if (!t) throw new Error(`node '${step.node.name}' reads '${name}' before it is computed`);
        return t;
      });
      values.set(step.node.name, tf.tidy(() => applyNode(tf, step.node, inputs, step.params, differentiable)));
      if (!release) return;
      for (const name of new Set(step.node.inputs)) {
        const t = values.get(name);
        if (lastUse.get(name) !== i || keep.includes(name) || !t || given.has(t)) continue;
        values.delete(name);
        // NOTE: an identity-like node returns its input: free the tensor only when no live name holds it.
        if (![...values.values()].includes(t)) t.dispose();
      }
    });
    return values;
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
    for (const t of this.owned) t.dispose();
  }
}
