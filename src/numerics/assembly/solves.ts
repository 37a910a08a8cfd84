// AssemblyScript: many right-hand sides for the posterior (see linalg.ts).
import { dot, hsum, ld, st } from './common';

/**
 * Solves L xᵀ = bᵀ in place for each of the m rows of b (m×n row-major): every row is one right-hand side,
 * so the forward substitution is a dot product of contiguous vectors. Four rows, two columns at a time.
 */
export function trsmRows(l: usize, n: i32, b: usize, m: i32): void {
  const rs = <usize>n << 3;
  let r0 = 0;
  for (; r0 + 4 <= m; r0 += 4) {
    const x0 = b + <usize>r0 * rs;
    const x1 = x0 + rs;
    const x2 = x1 + rs;
    const x3 = x2 + rs;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const p0 = l + <usize>i * rs;
      const p1 = p0 + rs;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      // i is even here, so the pairs cover [0, i) exactly.
      for (let k = 0; k < i; k += 2) {
        const o = <usize>k << 3;
        const l0 = v128.load(p0 + o);
        const l1 = v128.load(p1 + o);
        const y0 = v128.load(x0 + o);
        const y1 = v128.load(x1 + o);
        const y2 = v128.load(x2 + o);
        const y3 = v128.load(x3 + o);
        a00 = f64x2.add(a00, f64x2.mul(y0, l0));
        a01 = f64x2.add(a01, f64x2.mul(y0, l1));
        a10 = f64x2.add(a10, f64x2.mul(y1, l0));
        a11 = f64x2.add(a11, f64x2.mul(y1, l1));
        a20 = f64x2.add(a20, f64x2.mul(y2, l0));
        a21 = f64x2.add(a21, f64x2.mul(y2, l1));
        a30 = f64x2.add(a30, f64x2.mul(y3, l0));
        a31 = f64x2.add(a31, f64x2.mul(y3, l1));
      }
      const oi = <usize>i << 3;
      const oi1 = oi + 8;
      const lii = ld(p0 + oi);
      const l1i = ld(p1 + oi);
      const l11 = ld(p1 + oi1);
      const v0 = (ld(x0 + oi) - hsum(a00)) / lii;
      const v1 = (ld(x1 + oi) - hsum(a10)) / lii;
      const v2 = (ld(x2 + oi) - hsum(a20)) / lii;
      const v3 = (ld(x3 + oi) - hsum(a30)) / lii;
      st(x0 + oi, v0);
      st(x1 + oi, v1);
      st(x2 + oi, v2);
      st(x3 + oi, v3);
      st(x0 + oi1, (ld(x0 + oi1) - hsum(a01) - l1i * v0) / l11);
      st(x1 + oi1, (ld(x1 + oi1) - hsum(a11) - l1i * v1) / l11);
      st(x2 + oi1, (ld(x2 + oi1) - hsum(a21) - l1i * v2) / l11);
      st(x3 + oi1, (ld(x3 + oi1) - hsum(a31) - l1i * v3) / l11);
    }
    if (i < n) {
      const li = l + <usize>i * rs;
      const oi = <usize>i << 3;
      const lii = ld(li + oi);
      st(x0 + oi, (ld(x0 + oi) - dot(li, x0, i)) / lii);
      st(x1 + oi, (ld(x1 + oi) - dot(li, x1, i)) / lii);
      st(x2 + oi, (ld(x2 + oi) - dot(li, x2, i)) / lii);
      st(x3 + oi, (ld(x3 + oi) - dot(li, x3, i)) / lii);
    }
  }
  for (; r0 < m; r0++) {
    const x = b + <usize>r0 * rs;
    for (let i = 0; i < n; i++) {
      const li = l + <usize>i * rs;
      const oi = <usize>i << 3;
      st(x + oi, (ld(x + oi) - dot(li, x, i)) / ld(li + oi));
    }
  }
}

/** out[r] = Σ_k a[r][k]·v[k] for the m rows of a (m×n). */
export function gemv(a: usize, m: i32, n: i32, v: usize, out: usize): void {
  const rs = <usize>n << 3;
  for (let r = 0; r < m; r++) st(out + (<usize>r << 3), dot(a + <usize>r * rs, v, n));
}

/** out[r] = Σ_k a[r][k]² for the m rows of a (m×n). */
export function rowSumSquares(a: usize, m: i32, n: i32, out: usize): void {
  const rs = <usize>n << 3;
  for (let r = 0; r < m; r++) {
    const row = a + <usize>r * rs;
    st(out + (<usize>r << 3), dot(row, row, n));
  }
}
