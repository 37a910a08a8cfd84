import type { KernelKind, LinalgKernels } from './linalg-types.ts';

const SQRT5 = Math.sqrt(5);

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += a[ao + k]! * b[bo + k]!;
  return s;
}

function kval(kind: KernelKind, d2: number, ls: number, os: number): number {
  if (kind === 'rbf') return os * Math.exp((-0.5 * d2) / (ls * ls));
  const r = Math.sqrt(d2) / ls;
  return os * (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/**
 * The plain-JS twin of the wasm module (src/numerics/assembly/linalg.ts): the same algorithms written for
 * clarity, used as the test oracle and as the fallback where WebAssembly SIMD is unavailable.
 */
export function createJsLinalg(): LinalgKernels {
  const store = new Map<string, Float64Array>();
  return {
    implementation: 'js',
    slots<K extends string>(sizes: Readonly<Record<K, number>>): Record<K, Float64Array> {
      const out = {} as Record<K, Float64Array>;
      for (const name of Object.keys(sizes) as K[]) {
        const length = sizes[name];
        let buffer = store.get(name);
        if (!buffer || buffer.length < length) {
          buffer = new Float64Array(Math.max(length, Math.ceil((buffer?.length ?? 0) * 1.5)));
          store.set(name, buffer);
        }
        out[name] = buffer.subarray(0, length);
      }
      return out;
    },
    chol(a, n) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const s = a[i * n + j]! - dot(a, i * n, a, j * n, j);
          if (j < i) a[i * n + j] = s / a[j * n + j]!;
          else if (!(s > 0)) return i + 1;
          else a[i * n + i] = Math.sqrt(s);
        }
      }
      return 0;
    },
    cholSolve(l, n, b) {
      for (let i = 0; i < n; i++) b[i] = (b[i]! - dot(l, i * n, b, 0, i)) / l[i * n + i]!;
      for (let i = n - 1; i >= 0; i--) {
        const x = b[i]! / l[i * n + i]!;
        b[i] = x;
        for (let k = 0; k < i; k++) b[k] = b[k]! - x * l[i * n + k]!;
      }
    },
    trtri(l, u, n) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < j; k++) u[j * n + k] = 0;
        u[j * n + j] = 1 / l[j * n + j]!;
        for (let i = j + 1; i < n; i++) u[j * n + i] = -dot(l, i * n + j, u, j * n + j, i - j) / l[i * n + i]!;
      }
    },
    lauum(u, out, n) {
      for (let a = 0; a < n; a++) {
        for (let b = 0; b <= a; b++) out[a * n + b] = dot(u, a * n + a, u, b * n + a, n - a);
      }
    },
    trsmRows(l, n, b, m) {
      for (let r = 0; r < m; r++) {
        for (let i = 0; i < n; i++) b[r * n + i] = (b[r * n + i]! - dot(l, i * n, b, r * n, i)) / l[i * n + i]!;
      }
    },
    gemv(a, m, n, v, out) {
      for (let r = 0; r < m; r++) out[r] = dot(a, r * n, v, 0, n);
    },
    rowSumSquares(a, m, n, out) {
      for (let r = 0; r < m; r++) out[r] = dot(a, r * n, a, r * n, n);
    },
    sqdistSelf(z, n, d, out) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) {
            const t = z[i * d + k]! - z[j * d + k]!;
            s += t * t;
          }
          out[i * n + j] = s;
        }
        out[i * n + i] = 0;
      }
    },
    sqdistCross(z, n, q, m, d, out) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) {
            const t = z[i * d + k]! - q[j * d + k]!;
            s += t * t;
          }
          out[i * m + j] = s;
        }
      }
    },
    kernelDense(kind, d2, len, ls, os, out) {
      for (let i = 0; i < len; i++) out[i] = kval(kind, d2[i]!, ls, os);
    },
    kernelLower(kind, d2, n, ls, os, diag, out) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) out[i * n + j] = kval(kind, d2[i * n + j]!, ls, os);
        out[i * n + i] = os + diag;
      }
    },
    copyLower(src, dst, n, jitter) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) dst[i * n + j] = src[i * n + j]!;
        dst[i * n + i] = dst[i * n + i]! + jitter;
      }
    },
    gpGrad(kind, kinv, d2, alpha, z, n, d, ls, os, dz, hyp) {
      dz.fill(0, 0, n * d);
      let gls = 0;
      let gos = 0;
      let gnoise = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          // NOTE: K[i][j] and K[j][i] both depend on this pair, hence G_ij + G_ji = K⁻¹_ij − α_i α_j.
          const g2 = kinv[i * n + j]! - alpha[i]! * alpha[j]!;
          const dd = d2[i * n + j]!;
          let dkdD: number;
          let dkdls: number;
          let dkdos: number;
          if (kind === 'rbf') {
            const e = Math.exp((-0.5 * dd) / (ls * ls));
            dkdos = e;
            dkdD = (-0.5 * os * e) / (ls * ls);
            dkdls = (os * e * dd) / (ls * ls * ls);
          } else {
            const r = Math.sqrt(dd) / ls;
            const e = Math.exp(-SQRT5 * r);
            const p = 1 + SQRT5 * r;
            dkdos = (p + (5 / 3) * r * r) * e;
            dkdD = (-(5 / 6) * os * e * p) / (ls * ls);
            dkdls = ((5 / 3) * os * e * r * r * p) / ls;
          }
          gls += g2 * dkdls;
          gos += g2 * dkdos;
          const w = 2 * g2 * dkdD;
          for (let k = 0; k < d; k++) {
            const t = w * (z[i * d + k]! - z[j * d + k]!);
            dz[i * d + k] = dz[i * d + k]! + t;
            dz[j * d + k] = dz[j * d + k]! - t;
          }
        }
        const gii = 0.5 * (kinv[i * n + i]! - alpha[i]! * alpha[i]!);
        gos += gii;
        gnoise += gii;
      }
      hyp[0] = gls;
      hyp[1] = gos;
      hyp[2] = gnoise;
    },
  };
}
