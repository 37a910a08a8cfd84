// AssemblyScript: distances, covariances and the gradient through them (see linalg.ts).
import { hsum, ld, st } from './common';

const SQRT5: f64 = 2.23606797749979;

/** Squared distances between the rows of z (n×d): lower triangle of out (n×n), diagonal 0. */
export function sqdistSelf(z: usize, n: i32, d: i32, out: usize): void {
  const zs = <usize>d << 3;
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const zi = z + <usize>i * zs;
    const oi = out + <usize>i * rs;
    for (let j = 0; j < i; j++) st(oi + (<usize>j << 3), sqdist(zi, z + <usize>j * zs, d));
    st(oi + (<usize>i << 3), 0);
  }
}

/** Squared distances between the rows of z (n×d) and of q (m×d) into out (n×m). */
export function sqdistCross(z: usize, n: i32, q: usize, m: i32, d: i32, out: usize): void {
  const zs = <usize>d << 3;
  for (let i = 0; i < n; i++) {
    const zi = z + <usize>i * zs;
    const oi = out + <usize>i * (<usize>m << 3);
    for (let j = 0; j < m; j++) st(oi + (<usize>j << 3), sqdist(zi, q + <usize>j * zs, d));
  }
}

@inline function sqdist(a: usize, b: usize, d: i32): f64 {
  let s0 = f64x2.splat(0);
  let k = 0;
  for (; k + 2 <= d; k += 2) {
    const o = <usize>k << 3;
    const t = f64x2.sub(v128.load(a + o), v128.load(b + o));
    s0 = f64x2.add(s0, f64x2.mul(t, t));
  }
  let s = hsum(s0);
  if (k < d) {
    const t = ld(a + (<usize>k << 3)) - ld(b + (<usize>k << 3));
    s += t * t;
  }
  return s;
}

/** k(d²) for kind 0 = RBF, 1 = Matern-5/2 (lengthscale ls, outputscale os). */
@inline function kval(kind: i32, d2: f64, ls: f64, os: f64): f64 {
  if (kind == 0) return os * Math.exp(-0.5 * d2 / (ls * ls));
  const r = Math.sqrt(d2) / ls;
  return os * (1 + SQRT5 * r + (5.0 / 3.0) * r * r) * Math.exp(-SQRT5 * r);
}

/** out[i] = k(d2[i]) for `len` entries (a dense cross-covariance). */
export function kernelDense(kind: i32, d2: usize, len: i32, ls: f64, os: f64, out: usize): void {
  for (let i = 0; i < len; i++) {
    const o = <usize>i << 3;
    st(out + o, kval(kind, ld(d2 + o), ls, os));
  }
}

/** Lower triangle of K = k(D) + diag · I, from the lower triangle of D (n×n). */
export function kernelLower(kind: i32, d2: usize, n: i32, ls: f64, os: f64, diag: f64, out: usize): void {
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const di = d2 + <usize>i * rs;
    const oi = out + <usize>i * rs;
    for (let j = 0; j < i; j++) st(oi + (<usize>j << 3), kval(kind, ld(di + (<usize>j << 3)), ls, os));
    st(oi + (<usize>i << 3), os + diag);
  }
}

/** Copies the lower triangle of src (n×n) to dst and adds `jitter` to the diagonal. */
export function copyLower(src: usize, dst: usize, n: i32, jitter: f64): void {
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    memory.copy(dst + <usize>i * rs, src + <usize>i * rs, (<usize>i + 1) << 3);
    const p = dst + <usize>i * rs + (<usize>i << 3);
    st(p, ld(p) + jitter);
  }
}

/**
 * Gradient of the GP negative log marginal likelihood through the kernel, given G = ½(K⁻¹ − ααᵀ) = dNLL/dK
 * (formed here from the lower triangle of K⁻¹ at `kinv` and α). Accumulates dNLL/dz into dz (n×d, zeroed
 * here) and writes [dNLL/dls, dNLL/dos, dNLL/dnoise] to hyp.
 */
export function gpGrad(
  kind: i32, kinv: usize, d2: usize, alpha: usize, z: usize, n: i32, d: i32, ls: f64, os: f64, dz: usize, hyp: usize,
): void {
  const rs = <usize>n << 3;
  const zs = <usize>d << 3;
  memory.fill(dz, 0, <usize>n * zs);
  let gls: f64 = 0, gos: f64 = 0, gnoise: f64 = 0;
  const ils2 = 1 / (ls * ls);
  for (let i = 0; i < n; i++) {
    const ki = kinv + <usize>i * rs;
    const di = d2 + <usize>i * rs;
    const ai = ld(alpha + (<usize>i << 3));
    const zi = z + <usize>i * zs;
    const gi = dz + <usize>i * zs;
    for (let j = 0; j < i; j++) {
      const oj = <usize>j << 3;
      // Both K[i][j] and K[j][i] depend on this pair: the factor 2 of the symmetric sum.
      const g2 = ld(ki + oj) - ai * ld(alpha + oj);
      const dd = ld(di + oj);
      let dkdD: f64, dkdls: f64, dkdos: f64;
      if (kind == 0) {
        const e = Math.exp(-0.5 * dd * ils2);
        dkdos = e;
        dkdD = -0.5 * os * e * ils2;
        dkdls = os * e * dd * ils2 / ls;
      } else {
        const r = Math.sqrt(dd) / ls;
        const e = Math.exp(-SQRT5 * r);
        const p = 1 + SQRT5 * r;
        dkdos = (p + (5.0 / 3.0) * r * r) * e;
        dkdD = -(5.0 / 6.0) * ils2 * os * e * p;
        dkdls = (5.0 / 3.0) * os * e * r * r * p / ls;
      }
      gls += g2 * dkdls;
      gos += g2 * dkdos;
      // dD/dz_i = 2(z_i − z_j): w scales the difference vector.
      const w = f64x2.splat(2 * g2 * dkdD);
      const zj = z + <usize>j * zs;
      const gj = dz + <usize>j * zs;
      let k = 0;
      for (; k + 2 <= d; k += 2) {
        const o = <usize>k << 3;
        const t = f64x2.mul(w, f64x2.sub(v128.load(zi + o), v128.load(zj + o)));
        v128.store(gi + o, f64x2.add(v128.load(gi + o), t));
        v128.store(gj + o, f64x2.sub(v128.load(gj + o), t));
      }
      if (k < d) {
        const o = <usize>k << 3;
        const t = f64x2.extract_lane(w, 0) * (ld(zi + o) - ld(zj + o));
        st(gi + o, ld(gi + o) + t);
        st(gj + o, ld(gj + o) - t);
      }
    }
    const gii = 0.5 * (ld(ki + (<usize>i << 3)) - ai * ai);
    gos += gii;
    gnoise += gii;
  }
  st(hyp, gls);
  st(hyp + 8, gos);
  st(hyp + 16, gnoise);
}
