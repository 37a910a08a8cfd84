import type { Tf } from '../../backend/tfjs-backend.ts';
import type { OptimizerName } from './settings.ts';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

/** A variable the optimizer updates. */
export interface OptimizedParam {
  /** Stable name: the checkpoint key of the variable and of its optimizer slots. */
  readonly name: string;
  readonly variable: Variable;
  /** Multiplier of the learning rate (layer-wise decay). */
  readonly lrScale: number;
  /** Weight decay applies (weights of rank ≥ 2; biases and norm parameters are exempt, as in timm). */
  readonly decay: boolean;
}

export interface OptimizerOptions {
  readonly name: OptimizerName;
  readonly momentum: number;
  readonly betas: readonly [number, number];
  readonly weightDecay: number;
}

const EPS = 1e-8;
const ADAMP_DELTA = 0.1;
const ADAMP_WD_RATIO = 0.1;

/**
 * The optimizers of the paper's space, written on tfjs ops so that their state can be checkpointed:
 * sgd (timm: Nesterov momentum with the momentum hyperparameter, default 0.9), momentum (heavy ball), adam
 * (L2 weight decay added to the gradient, as torch), adamw (decoupled decay), adamp (AdamP: Adam whose update
 * loses its radial component for scale-invariant weights, with decay reduced by 0.1 there).
 */
export class FinetuneOptimizer {
  private readonly tf: Tf;
  private readonly options: OptimizerOptions;
  private readonly params: readonly OptimizedParam[];
  private readonly slots = new Map<string, Variable>();
  /** Updates applied so far (Adam's bias-correction counter). */
  steps = 0;

  constructor(tf: Tf, params: readonly OptimizedParam[], options: OptimizerOptions) {
    this.tf = tf;
    this.params = params;
    this.options = options;
    const slotNames = options.name === 'sgd' || options.name === 'momentum' ? ['momentum'] : ['m', 'v'];
    for (const p of params) {
      // NOTE: inside tidy, so the zeros tensor the variable was made from is released (the variable keeps the data).
      for (const slot of slotNames) this.slots.set(`${p.name}/${slot}`, tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    }
  }

  private slot(param: OptimizedParam, name: string): Variable {
    const v = this.slots.get(`${param.name}/${name}`);
    if (!v) throw new Error(`optimizer slot ${param.name}/${name} missing`);
    return v;
  }

  /** Applies one update with learning rate `lr` (times each parameter's scale). `grads` by parameter name. */
  apply(grads: ReadonlyMap<string, Tensor>, lr: number): void {
    const { tf, options } = this;
    this.steps++;
    const t = this.steps;
    const [b1, b2] = options.betas;
    for (const p of this.params) {
      const g0 = grads.get(p.name);
      if (!g0) continue;
      const rate = lr * p.lrScale;
      const wd = p.decay ? options.weightDecay : 0;
      tf.tidy(() => {
        const w = p.variable;
        switch (options.name) {
          case 'sgd':
          case 'momentum': {
            const g = wd > 0 ? tf.add(g0, tf.mul(w, wd)) : g0;
            const buf = this.slot(p, 'momentum');
            const next = tf.add(tf.mul(buf, options.momentum), g);
            buf.assign(next);
            const update = options.name === 'sgd' ? tf.add(g, tf.mul(next, options.momentum)) : next;
            w.assign(tf.sub(w, tf.mul(update, rate)));
            break;
          }
          case 'adam':
          case 'adamw':
          case 'adamp': {
            const g = options.name === 'adam' && wd > 0 ? tf.add(g0, tf.mul(w, wd)) : g0;
            const m = this.slot(p, 'm');
            const v = this.slot(p, 'v');
            const mNext = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
            const vNext = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
            m.assign(mNext);
            v.assign(vNext);
            const denom = tf.add(tf.div(tf.sqrt(vNext), Math.sqrt(1 - b2 ** t)), EPS);
            let perturb = tf.div(mNext, denom);
            let decayRatio = 1;
            if (options.name === 'adamp' && w.rank > 1) ({ perturb, decayRatio } = this.project(w, g, perturb));
            const decayed = options.name !== 'adam' && wd > 0 ? tf.mul(w, 1 - rate * wd * decayRatio) : w;
            w.assign(tf.sub(decayed, tf.mul(perturb, rate / (1 - b1 ** t))));
            break;
          }
        }
      });
    }
  }

  /**
   * AdamP's projection: if the gradient is nearly orthogonal to the weight (per output channel, then for the
   * whole tensor), remove the update's component along the weight. Output channels are the last axis in tfjs.
   */
  private project(w: Tensor, g: Tensor, perturb: Tensor): { perturb: Tensor; decayRatio: number } {
    const tf = this.tf;
    const channels = w.shape[w.shape.length - 1] ?? 1;
    const views: Array<(x: Tensor) => Tensor> = [(x) => tf.transpose(tf.reshape(x, [-1, channels])), (x) => tf.reshape(x, [1, -1])];
    for (const view of views) {
      const wv = view(w);
      const gv = view(g);
      const cos = tf.div(tf.abs(tf.sum(tf.mul(wv, gv), 1)), tf.add(tf.mul(tf.norm(wv, 2, 1), tf.norm(gv, 2, 1)), EPS));
      const dim = wv.shape[1] ?? 1;
      if ((tf.max(cos).dataSync()[0] ?? 1) < ADAMP_DELTA / Math.sqrt(dim)) {
        const unit = tf.div(wv, tf.add(tf.norm(wv, 2, 1, true), EPS));
        const pv = view(perturb);
        const projected = tf.sub(pv, tf.mul(unit, tf.sum(tf.mul(unit, pv), 1, true)));
        const back = wv.shape[0] === 1 ? tf.reshape(projected, w.shape) : tf.reshape(tf.transpose(projected), w.shape);
        return { perturb: back, decayRatio: ADAMP_WD_RATIO };
      }
    }
    return { perturb, decayRatio: 1 };
  }

  /** The slot tensors by name, for the checkpoint. */
  state(): Map<string, Tensor> {
    return new Map(this.slots);
  }

  /** Restores slots saved by {@link state}; every slot must be present with its shape. */
  load(values: ReadonlyMap<string, Float32Array>, steps: number): void {
    for (const [name, slot] of this.slots) {
      const data = values.get(name);
      if (!data || data.length !== slot.size) throw new Error(`checkpoint lacks optimizer slot '${name}' (or its size differs)`);
      this.tf.tidy(() => slot.assign(this.tf.tensor(data, slot.shape)));
    }
    this.steps = steps;
  }

  dispose(): void {
    for (const slot of this.slots.values()) slot.dispose();
    this.slots.clear();
  }
}
