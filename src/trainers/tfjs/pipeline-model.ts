import type { Tf } from '../../backend/tfjs-backend.ts';
import type { Checkpoint } from './checkpoint.ts';
import { ClassifierHead } from './head.ts';
import { runIr, type PretrainedModel } from './model/pretrained.ts';
import { Network } from './model/network.ts';
import { planNetwork } from './model/plan.ts';
import { FinetuneOptimizer, type OptimizedParam } from './optimizers.ts';
import type { TrainSettings } from './settings.ts';

type Tensor = ReturnType<Tf['tensor']>;

/** Channels of a pretrained model's feature node, from one forward pass of a blank image at `inputSize`. */
export function featureWidth(tf: Tf, pretrained: PretrainedModel, inputSize: number): number {
  return tf.tidy(() => runIr(tf, pretrained.ir, pretrained.weights, tf.zeros([1, inputSize, inputSize, 3]), pretrained.featureNode).shape[3] ?? 0);
}

/** Groups of backbone layers for layer-wise learning-rate decay (as a 12-block network). */
export const LAYER_DECAY_GROUPS = 12;

/**
 * Everything trained for one pipeline: the split backbone, the new head and the optimizer over both. Built
 * from the pretrained weights, then (after epoch 1) overwritten from the pipeline's checkpoint.
 */
export class PipelineModel {
  readonly network: Network;
  readonly head: ClassifierHead;
  readonly optimizer: FinetuneOptimizer;
  readonly params: readonly OptimizedParam[];
  private readonly tf: Tf;

  /** `featureWidth`: channels of the pretrained model's feature node (see {@link featureWidth}). */
  constructor(tf: Tf, pretrained: PretrainedModel, settings: TrainSettings, classes: number, featureWidth: number, seed: number) {
    this.tf = tf;
    const plan = planNetwork(pretrained.ir, pretrained.featureNode, settings.pctToFreeze);
    this.network = new Network(tf, plan, pretrained.weights);
    this.head = new ClassifierHead(tf, featureWidth, classes, seed);
    const layers = Math.max(1, plan.layers.length);
    const scale = (layer: number): number => {
      if (settings.layerDecay === null) return 1;
      const group = Math.min(LAYER_DECAY_GROUPS - 1, Math.floor((layer * LAYER_DECAY_GROUPS) / layers));
      return settings.layerDecay ** (LAYER_DECAY_GROUPS - group);
    };
    this.params = [
      ...this.network.params.map((p) => ({ name: p.name, variable: p.variable, lrScale: scale(p.layer), decay: p.variable.rank > 1 })),
      { name: 'head/kernel', variable: this.head.kernel, lrScale: 1, decay: true },
      { name: 'head/bias', variable: this.head.bias, lrScale: 1, decay: false },
    ];
    this.optimizer = new FinetuneOptimizer(tf, this.params, {
      name: settings.opt,
      momentum: settings.momentum,
      betas: settings.betas,
      weightDecay: settings.weightDecay,
    });
  }

  /** Mean soft-target cross-entropy of the logits [batch, classes]. */
  crossEntropy(logits: Tensor, targets: Tensor): Tensor {
    const tf = this.tf;
    return tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)));
  }

  /** L2-SP: ½ · sp_reg · Σ ‖w − w_pretrained‖² over the trained backbone weights (0 when off). */
  spPenalty(spReg: number): Tensor {
    const tf = this.tf;
    if (spReg <= 0 || this.network.params.length === 0) return tf.scalar(0);
    const sp = tf.addN(this.network.params.map((p) => tf.sum(tf.square(tf.sub(p.variable, p.pretrained)))));
    return tf.mul(sp, 0.5 * spReg);
  }

  /** Trainable tensors and optimizer slots by name (the checkpoint's tensors). */
  snapshot(): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const p of this.params) out.set(`param:${p.name}`, { shape: [...p.variable.shape], data: p.variable.dataSync() as Float32Array });
    for (const [name, slot] of this.optimizer.state()) out.set(`slot:${name}`, { shape: [...slot.shape], data: slot.dataSync() as Float32Array });
    return out;
  }

  /** Overwrites weights and optimizer state from a checkpoint; every tensor must match by name and shape. */
  restore(checkpoint: Checkpoint): void {
    const tf = this.tf;
    for (const p of this.params) {
      const saved = checkpoint.tensors.get(`param:${p.name}`);
      if (!saved || saved.data.length !== p.variable.size) throw new Error(`checkpoint lacks weight '${p.name}' (or its shape differs)`);
      tf.tidy(() => p.variable.assign(tf.tensor(saved.data, p.variable.shape)));
    }
    const slots = new Map<string, Float32Array>();
    for (const [name, t] of checkpoint.tensors) if (name.startsWith('slot:')) slots.set(name.slice(5), t.data);
    this.optimizer.load(slots, checkpoint.meta.optimizerSteps);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.head.dispose();
    this.network.dispose();
  }
}
