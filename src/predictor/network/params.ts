import type { Tf } from '../../backend/tfjs-backend.ts';
import type { Random } from '../../util/random.ts';

type Tensor = ReturnType<Tf['tensor']>;

/** One named parameter block inside a flat parameter vector. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  /** PyTorch's default init bound for Linear/Conv1d: U(−1/√fanIn, 1/√fanIn); 0 = set to `initValue`. */
  readonly fanIn: number;
  readonly initValue: number;
  /** false: a scalar used in JS only (GP hyperparameters), never uploaded as a tensor. */
  readonly tensor: boolean;
}

export interface ParamDeclaration {
  readonly name: string;
  readonly shape: readonly number[];
  readonly fanIn?: number;
  readonly initValue?: number;
  readonly tensor?: boolean;
}

/**
 * The layout of every trainable number of a model in one flat Float64Array: the optimizer (Adam in JS),
 * checkpoints and the "back to the meta-trained weights" reset all work on that one array, and tfjs only
 * sees float32 tensors made from it for the duration of a step.
 */
export class ParamLayout {
  readonly specs: readonly ParamSpec[];
  readonly size: number;
  private readonly byName: ReadonlyMap<string, ParamSpec>;

  constructor(declarations: readonly ParamDeclaration[]) {
    let offset = 0;
    const specs: ParamSpec[] = [];
    for (const declaration of declarations) {
      const size = declaration.shape.reduce((a, b) => a * b, 1);
      specs.push({
        name: declaration.name,
        shape: declaration.shape,
        offset,
        size,
        fanIn: declaration.fanIn ?? 0,
        initValue: declaration.initValue ?? 0,
        tensor: declaration.tensor ?? true,
      });
      offset += size;
    }
    this.specs = specs;
    this.size = offset;
    this.byName = new Map(specs.map((spec) => [spec.name, spec]));
  }

  spec(name: string): ParamSpec {
    const spec = this.byName.get(name);
    if (!spec) throw new Error(`unknown parameter ${name}`);
    return spec;
  }

  /** A fresh, seeded initialisation (PyTorch's Linear/Conv1d defaults). */
  initialise(rng: Random): Float64Array {
    const theta = new Float64Array(this.size);
    for (const spec of this.specs) {
      const bound = spec.fanIn > 0 ? 1 / Math.sqrt(spec.fanIn) : 0;
      for (let i = 0; i < spec.size; i++) theta[spec.offset + i] = bound > 0 ? (2 * rng.next() - 1) * bound : spec.initValue;
    }
    return theta;
  }

  /** float32 tensors of the tensor parameters, in `specs` order (the caller disposes them, e.g. by tidy). */
  tensors(tf: Tf, theta: Float64Array): Tensor[] {
    return this.specs
      .filter((spec) => spec.tensor)
      .map((spec) => tf.tensor(Float32Array.from(theta.subarray(spec.offset, spec.offset + spec.size)), [...spec.shape]));
  }

  /** The tensor parameters' specs, aligned with {@link ParamLayout.tensors}. */
  tensorSpecs(): ParamSpec[] {
    return this.specs.filter((spec) => spec.tensor);
  }

  scalar(theta: Float64Array, name: string): number {
    return theta[this.spec(name).offset]!;
  }

  /** Shape and offset description, stored in checkpoints so a loader can verify it. */
  describe(): Array<{ name: string; shape: number[] }> {
    return this.specs.map((spec) => ({ name: spec.name, shape: [...spec.shape] }));
  }
}

/** Linear layer declarations: weight [inDim, outDim] and bias [outDim], PyTorch init. */
export function linear(name: string, inDim: number, outDim: number): ParamDeclaration[] {
  return [
    { name: `${name}.w`, shape: [inDim, outDim], fanIn: inDim },
    { name: `${name}.b`, shape: [outDim], fanIn: inDim },
  ];
}
