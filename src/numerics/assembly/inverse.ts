// AssemblyScript: K⁻¹ from the Cholesky factor (see linalg.ts).
import { dot, hsum, ld, st } from './common';

/**
 * U = L^{-T} into `u` (upper triangular, zeros below the diagonal): row j of U is column j of L⁻¹.
 * Four rows of U at a time, two columns of the recurrence at a time (8 dot products).
 */
export function trtri(l: usize, u: usize, n: i32): void {
  const rs = <usize>n << 3;
  for (let j0 = 0; j0 < n; j0 += 4) {
    const rows = min(4, n - j0);
    for (let r = 0; r < rows; r++) {
      const j = j0 + r;
      const uj = u + <usize>j * rs;
      for (let k = 0; k < j; k++) st(uj + (<usize>k << 3), 0);
      st(uj + (<usize>j << 3), 1 / ld(l + <usize>j * rs + (<usize>j << 3)));
      for (let i = j + 1; i < j0 + rows; i++) {
        const li = l + <usize>i * rs;
        const s = dot(li + (<usize>j << 3), uj + (<usize>j << 3), i - j);
        st(uj + (<usize>i << 3), -s / ld(li + (<usize>i << 3)));
      }
    }
    if (rows < 4) {
      for (let r = 0; r < rows; r++) {
        const j = j0 + r;
        const uj = u + <usize>j * rs;
        for (let i = j0 + rows; i < n; i++) {
          const li = l + <usize>i * rs;
          const s = dot(li + (<usize>j << 3), uj + (<usize>j << 3), i - j);
          st(uj + (<usize>i << 3), -s / ld(li + (<usize>i << 3)));
        }
      }
      continue;
    }
    const u0 = u + <usize>j0 * rs;
    const u1 = u0 + rs;
    const u2 = u1 + rs;
    const u3 = u2 + rs;
    const base = <usize>j0 << 3;
    let i = j0 + 4;
    for (; i + 2 <= n; i += 2) {
      const p0 = l + <usize>i * rs;
      const p1 = p0 + rs;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
      let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
      const len = i - j0;
      let k = 0;
      for (; k + 2 <= len; k += 2) {
        const o = base + (<usize>k << 3);
        const x0 = v128.load(p0 + o);
        const x1 = v128.load(p1 + o);
        const y0 = v128.load(u0 + o);
        const y1 = v128.load(u1 + o);
        const y2 = v128.load(u2 + o);
        const y3 = v128.load(u3 + o);
        a00 = f64x2.add(a00, f64x2.mul(y0, x0));
        a01 = f64x2.add(a01, f64x2.mul(y0, x1));
        a10 = f64x2.add(a10, f64x2.mul(y1, x0));
        a11 = f64x2.add(a11, f64x2.mul(y1, x1));
        a20 = f64x2.add(a20, f64x2.mul(y2, x0));
        a21 = f64x2.add(a21, f64x2.mul(y2, x1));
        a30 = f64x2.add(a30, f64x2.mul(y3, x0));
        a31 = f64x2.add(a31, f64x2.mul(y3, x1));
      }
      // len = i - j0 is even (both are multiples of 2 here), so no tail.
      const oi = <usize>i << 3;
      const lii = ld(p0 + oi);
      const x0 = -hsum(a00) / lii;
      const x1 = -hsum(a10) / lii;
      const x2 = -hsum(a20) / lii;
      const x3 = -hsum(a30) / lii;
      st(u0 + oi, x0);
      st(u1 + oi, x1);
      st(u2 + oi, x2);
      st(u3 + oi, x3);
      const li1i = ld(p1 + oi);
      const oi1 = oi + 8;
      const li1i1 = ld(p1 + oi1);
      st(u0 + oi1, -(hsum(a01) + li1i * x0) / li1i1);
      st(u1 + oi1, -(hsum(a11) + li1i * x1) / li1i1);
      st(u2 + oi1, -(hsum(a21) + li1i * x2) / li1i1);
      st(u3 + oi1, -(hsum(a31) + li1i * x3) / li1i1);
    }
    for (; i < n; i++) {
      const li = l + <usize>i * rs;
      const oi = <usize>i << 3;
      const lii = ld(li + oi);
      const len = i - j0;
      st(u0 + oi, -dot(li + base, u0 + base, len) / lii);
      st(u1 + oi, -dot(li + base, u1 + base, len) / lii);
      st(u2 + oi, -dot(li + base, u2 + base, len) / lii);
      st(u3 + oi, -dot(li + base, u3 + base, len) / lii);
    }
  }
}

/**
 * K⁻¹ = U Uᵀ into the lower triangle of `out`, from U = L^{-T} (upper, zeros below the diagonal, as trtri
 * leaves it): out[a][b] = Σ_{k ≥ a} U[a][k]·U[b][k] for b ≤ a.
 */
export function lauum(u: usize, out: usize, n: i32): void {
  const rs = <usize>n << 3;
  for (let a0 = 0; a0 < n; a0 += 4) {
    const rows = min(4, n - a0);
    const base = <usize>a0 << 3;
    const len = n - a0;
    let bStart = 0;
    if (rows == 4) {
      const r0 = u + <usize>a0 * rs;
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      const o0 = out + <usize>a0 * rs;
      const o1 = o0 + rs;
      const o2 = o1 + rs;
      const o3 = o2 + rs;
      for (let b = 0; b < a0; b += 2) {
        const q0 = u + <usize>b * rs;
        const q1 = q0 + rs;
        let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
        let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = base + (<usize>k << 3);
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
        let d00 = hsum(a00), d01 = hsum(a01), d10 = hsum(a10), d11 = hsum(a11);
        let d20 = hsum(a20), d21 = hsum(a21), d30 = hsum(a30), d31 = hsum(a31);
        if (k < len) {
          const o = base + (<usize>k << 3);
          const x0 = ld(q0 + o);
          const x1 = ld(q1 + o);
          d00 += ld(r0 + o) * x0;
          d01 += ld(r0 + o) * x1;
          d10 += ld(r1 + o) * x0;
          d11 += ld(r1 + o) * x1;
          d20 += ld(r2 + o) * x0;
          d21 += ld(r2 + o) * x1;
          d30 += ld(r3 + o) * x0;
          d31 += ld(r3 + o) * x1;
        }
        const ob = <usize>b << 3;
        st(o0 + ob, d00);
        st(o0 + ob + 8, d01);
        st(o1 + ob, d10);
        st(o1 + ob + 8, d11);
        st(o2 + ob, d20);
        st(o2 + ob + 8, d21);
        st(o3 + ob, d30);
        st(o3 + ob + 8, d31);
      }
      bStart = a0;
    }
    for (let r = 0; r < rows; r++) {
      const ia = a0 + r;
      const ra = u + <usize>ia * rs;
      const oa = out + <usize>ia * rs;
      for (let b = bStart; b <= ia; b++) {
        st(oa + (<usize>b << 3), dot(ra + base, u + <usize>b * rs + base, len));
      }
    }
  }
}
