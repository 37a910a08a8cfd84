/** Covariance functions of the GP: squared exponential, or Matern with ν = 5/2. */
export const KERNEL_KINDS = ['rbf', 'matern52'] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];

/** The numeric code of a kernel inside the wasm module and its JS twin. */
export function kernelCode(kind: KernelKind): number {
  return kind === 'rbf' ? 0 : 1;
}

/**
 * Float64 linear-algebra kernels of the exact GP. Two implementations with identical semantics: a wasm-SIMD
 * module (fast) and plain JS (the reference). Matrices are row-major Float64Arrays; "lower" means only the
 * lower triangle (diagonal included) is read or written.
 *
 * Buffers must come from {@link LinalgKernels.slots} of the same object: the wasm module can only address its
 * own memory. Every call to `slots` may move memory, which invalidates views handed out before; content of a
 * slot whose size did not grow is preserved across calls.
 */
export interface LinalgKernels {
  readonly implementation: 'wasm' | 'js';
  /** Views of at least the requested number of doubles for each named slot (exactly that length). */
  slots<K extends string>(sizes: Readonly<Record<K, number>>): Record<K, Float64Array>;
  /** In-place lower Cholesky factor; returns 0, or i + 1 when row i has a non-positive pivot. */
  chol(a: Float64Array, n: number): number;
  /** b ← (L Lᵀ)⁻¹ b in place. */
  cholSolve(l: Float64Array, n: number, b: Float64Array): void;
  /** u ← L^{-T} (upper triangle, zeros below the diagonal). */
  trtri(l: Float64Array, u: Float64Array, n: number): void;
  /** Lower triangle of out ← U Uᵀ (= K⁻¹ when U = L^{-T}). */
  lauum(u: Float64Array, out: Float64Array, n: number): void;
  /** Each of the m rows of b (m×n) ← L⁻¹ row, in place. */
  trsmRows(l: Float64Array, n: number, b: Float64Array, m: number): void;
  /** out[r] ← Σ_k a[r][k]·v[k] for the m rows of a (m×n). */
  gemv(a: Float64Array, m: number, n: number, v: Float64Array, out: Float64Array): void;
  /** out[r] ← Σ_k a[r][k]² for the m rows of a (m×n). */
  rowSumSquares(a: Float64Array, m: number, n: number, out: Float64Array): void;
  /** Lower triangle of out (n×n) ← squared distances between the rows of z (n×d). */
  sqdistSelf(z: Float64Array, n: number, d: number, out: Float64Array): void;
  /** out (n×m) ← squared distances between the rows of z (n×d) and q (m×d). */
  sqdistCross(z: Float64Array, n: number, q: Float64Array, m: number, d: number, out: Float64Array): void;
  /** out[i] ← k(d2[i]) for `len` entries. */
  kernelDense(kind: KernelKind, d2: Float64Array, len: number, ls: number, os: number, out: Float64Array): void;
  /** Lower triangle of out ← k(D) + diag·I. */
  kernelLower(kind: KernelKind, d2: Float64Array, n: number, ls: number, os: number, diag: number, out: Float64Array): void;
  /** Lower triangle of dst ← lower triangle of src + jitter·I. */
  copyLower(src: Float64Array, dst: Float64Array, n: number, jitter: number): void;
  /**
   * Back-propagates G = ½(K⁻¹ − ααᵀ) = dNLL/dK through the kernel: dz (n×d) ← dNLL/dz and
   * hyp[0..3] ← [dNLL/dls, dNLL/dos, dNLL/dnoise]. `kinv` holds K⁻¹ in its lower triangle.
   */
  gpGrad(
    kind: KernelKind,
    kinv: Float64Array,
    d2: Float64Array,
    alpha: Float64Array,
    z: Float64Array,
    n: number,
    d: number,
    ls: number,
    os: number,
    dz: Float64Array,
    hyp: Float64Array,
  ): void;
}
