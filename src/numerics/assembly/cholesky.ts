// AssemblyScript: Cholesky factorization and solve (see linalg.ts).
import { dot, hsum, ld, st } from './common';

/**
 * In-place lower Cholesky factor of the symmetric matrix at `a` (only the lower triangle is read or written).
 * Returns 0, or i + 1 when the pivot of row i is not positive (the matrix is not numerically SPD).
 * Cholesky-Banachiewicz, register-blocked 4 rows (i) by 2 rows (j): the inner loop is 8 dot products.
 */
export function chol(a: usize, n: i32): i32 {
  const rs = <usize>n << 3;
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = min(4, n - i0);
    let jStart = 0;
    if (rows == 4) {
      const r0 = a + <usize>i0 * rs;
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      // NOTE: i0 is a multiple of 4, so the pairs (j, j + 1) cover [0, i0) exactly.
      for (let j = 0; j < i0; j += 2) {
        const q0 = a + <usize>j * rs;
        const q1 = q0 + rs;
        let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
        let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
        let k = 0;
        for (; k + 2 <= j; k += 2) {
          const o = <usize>k << 3;
          const x0 = v128.load(q0 + o);
          const x1 = v128.load(q1 + o);
          const y0 = v128.load(r0 + o);
          const y1 = v128.load(r1 + o);
          const y2 = v128.load(r2 + o);
          const y3 = v128.load(r3 + o);
          a00 = f64x2.add(a00, f64x2.mul(y0, x0));
          a01 = f64x2.add(a01, f64x2.mul(y0, x1));
          a10 = f64x2.add(a10, f64x2.mul(y1, x0));
          a11 = f64x2.add(a11, f64x2.mul(y1, x1));
          a20 = f64x2.add(a20, f64x2.mul(y2, x0));
          a21 = f64x2.add(a21, f64x2.mul(y2, x1));
          a30 = f64x2.add(a30, f64x2.mul(y3, x0));
          a31 = f64x2.add(a31, f64x2.mul(y3, x1));
        }
        const d00 = hsum(a00), d01 = hsum(a01), d10 = hsum(a10), d11 = hsum(a11);
        const d20 = hsum(a20), d21 = hsum(a21), d30 = hsum(a30), d31 = hsum(a31);
        // j is even, so k == j here: no tail.
        const oj = <usize>j << 3;
        const ljj = ld(q0 + oj);
        const l0 = (ld(r0 + oj) - d00) / ljj;
        const l1 = (ld(r1 + oj) - d10) / ljj;
        const l2 = (ld(r2 + oj) - d20) / ljj;
        const l3 = (ld(r3 + oj) - d30) / ljj;
        st(r0 + oj, l0);
        st(r1 + oj, l1);
        st(r2 + oj, l2);
        st(r3 + oj, l3);
        const lj1j = ld(q1 + oj);
        const oj1 = oj + 8;
        const lj1j1 = ld(q1 + oj1);
        st(r0 + oj1, (ld(r0 + oj1) - d01 - l0 * lj1j) / lj1j1);
        st(r1 + oj1, (ld(r1 + oj1) - d11 - l1 * lj1j) / lj1j1);
        st(r2 + oj1, (ld(r2 + oj1) - d21 - l2 * lj1j) / lj1j1);
        st(r3 + oj1, (ld(r3 + oj1) - d31 - l3 * lj1j) / lj1j1);
      }
      jStart = i0;
    }
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      const ri = a + <usize>i * rs;
      for (let j = jStart; j <= i; j++) {
        const rj = a + <usize>j * rs;
        const s = ld(ri + (<usize>j << 3)) - dot(ri, rj, j);
        if (j < i) {
          st(ri + (<usize>j << 3), s / ld(rj + (<usize>j << 3)));
        } else {
          if (!(s > 0)) return i + 1;
          st(ri + (<usize>i << 3), Math.sqrt(s));
        }
      }
    }
  }
  return 0;
}

/** Solves (L Lᵀ) x = b in place (b has n entries), with L the lower factor at `l`. */
export function cholSolve(l: usize, n: i32, b: usize): void {
  const rs = <usize>n << 3;
  for (let i = 0; i < n; i++) {
    const ri = l + <usize>i * rs;
    const oi = <usize>i << 3;
    st(b + oi, (ld(b + oi) - dot(ri, b, i)) / ld(ri + oi));
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = l + <usize>i * rs;
    const oi = <usize>i << 3;
    const x = ld(b + oi) / ld(ri + oi);
    st(b + oi, x);
    const xv = f64x2.splat(x);
    let k = 0;
    for (; k + 2 <= i; k += 2) {
      const o = <usize>k << 3;
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(xv, v128.load(ri + o))));
    }
    for (; k < i; k++) st(b + (<usize>k << 3), ld(b + (<usize>k << 3)) - x * ld(ri + (<usize>k << 3)));
  }
}
