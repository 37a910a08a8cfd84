import type { Tf } from '../../backend/tfjs-backend.ts';

export type Tensor = ReturnType<Tf['tensor']>;
export type Tensor2D = ReturnType<Tf['tensor2d']>;

/** Named parameter tensors of a network (weights `<layer>.w` [in, out], biases `<layer>.b` [out]). */
export type Params = Readonly<Record<string, Tensor>>;
export type Grads = Record<string, Tensor>;

export function param(p: Params, name: string): Tensor2D {
  const t = p[name];
  if (!t) throw new Error(`missing parameter ${name}`);
  return t as Tensor2D;
}

/**
 * Hand-written forward and backward passes on tfjs ops. Autodiff on tfjs clones every saved activation
 * (an Identity kernel copying the data) and routes max-pool and concat gradients through slow JS kernels on
 * wasm; writing the backward pass of this small, fixed architecture ourselves avoids both, and the tests check
 * it against tf.grads on the very same forward ops.
 */
export class Layers {
  private readonly tf: Tf;

  constructor(tf: Tf) {
    this.tf = tf;
  }

  /** x·W + b. */
  dense(p: Params, name: string, x: Tensor2D): Tensor2D {
    const tf = this.tf;
    return tf.add(tf.matMul(x, param(p, `${name}.w`)), param(p, `${name}.b`));
  }

  /** Gradients of a dense layer: dW = xᵀ·dy, db = 1ᵀ·dy (a matMul: column sums are slow on wasm), dx = dy·Wᵀ. */
  denseBackward(p: Params, name: string, x: Tensor2D, dy: Tensor2D, grads: Grads, withDx: boolean): Tensor2D | null {
    const tf = this.tf;
    const n = x.shape[0];
    const w = param(p, `${name}.w`);
    grads[`${name}.w`] = tf.matMul(x, dy, true, false);
    grads[`${name}.b`] = tf.reshape(tf.matMul(tf.ones([1, n]) as Tensor2D, dy), [w.shape[1] ?? 0]);
    return withDx ? (tf.matMul(dy, w, false, true) as Tensor2D) : null;
  }

  /** dy ⊙ 1[x > 0] (ReLU), or dy ⊙ (x > 0 ? 1 : slope) (LeakyReLU). */
  reluBackward(preActivation: Tensor, dy: Tensor, slope = 0): Tensor {
    return this.tf.mul(dy, this.tf.step(preActivation, slope));
  }
}
