// Shared helpers of the AssemblyScript kernels (see linalg.ts).

@inline export function ld(p: usize): f64 {
  return load<f64>(p);
}

@inline export function st(p: usize, v: f64): void {
  store<f64>(p, v);
}

@inline export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_k a[k]·b[k] for k < len. */
export function dot(a: usize, b: usize, len: i32): f64 {
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
