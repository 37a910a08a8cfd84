import type { Tf } from '../../backend/tfjs-backend.ts';
import { Random } from '../../util/random.ts';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

let instances = 0;

/**
 * The new classification head: dropout (the config's `drop`) then a linear layer to the folder's classes,
 * initialised as torch's nn.Linear (uniform ±1/√fan_in for weight and bias) from a seeded stream.
 */
export class ClassifierHead {
  readonly kernel: Variable;
  readonly bias: Variable;
  private readonly tf: Tf;

  constructor(tf: Tf, features: number, classes: number, seed: number) {
    this.tf = tf;
    const random = new Random(seed);
    const bound = 1 / Math.sqrt(features);
    const uniform = (n: number): Float32Array => Float32Array.from({ length: n }, () => (2 * random.next() - 1) * bound);
    const id = ++instances;
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(uniform(features * classes), [features, classes]), true, `qt-head${id}/kernel`));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d(uniform(classes)), true, `qt-head${id}/bias`));
  }

  /** Logits [batch, classes]; dropout only when `dropSeed` is given (training). */
  logits(features: Tensor, drop: number, dropSeed?: number): Tensor {
    const tf = this.tf;
    const x = dropSeed !== undefined && drop > 0 ? tf.dropout(features, drop, undefined, dropSeed) : features;
    return tf.add(tf.matMul(x as ReturnType<Tf['tensor2d']>, this.kernel as unknown as ReturnType<Tf['tensor2d']>), this.bias);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
