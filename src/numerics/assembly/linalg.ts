// AssemblyScript source of the Float64 linear-algebra kernels of the exact GP (spec/numerics.md section 3).
// Compiled by `npm run build:wasm` (scripts/build-wasm.ts) into src/numerics/linalg-wasm-binary.ts; the
// plain-JS twin in src/numerics/linalg-js.ts implements the same functions and is the test oracle.
// All matrices are row-major Float64; pointers are byte offsets into this module's memory.
// NOTE: this file is not TypeScript (it is excluded from tsc); it uses AssemblyScript builtins.

const SQRT5: f64 = 2.23606797749979;

/** First byte after the module's static data: the host allocates its buffers from here on. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function ld(p: usize): f64 {
  return load<f64>(p);
}

@inline function st(p: usize, v: f64): void {
  store<f64>(p, v);
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_k a[k]·b[k] for k < len. */
function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; k < len; k++) s += ld(a + (<usize>k << 3)) * ld(b + (<usize>k << 3));
  return s;
}

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
