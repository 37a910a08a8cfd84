import type { Random } from '../../../util/random.ts';
import type { AugmentationName } from '../settings.ts';

/** An RGB image, HWC bytes, square. */
export interface Image {
  readonly size: number;
  readonly data: Uint8Array;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Samples the source at (sx, sy) bilinearly; outside the image gives grey 128 (timm's fill). */
function sample(src: Uint8Array, size: number, sx: number, sy: number, c: number): number {
  if (sx < -0.5 || sy < -0.5 || sx > size - 0.5 || sy > size - 0.5) return 128;
  const x0 = Math.max(0, Math.min(size - 1, Math.floor(sx)));
  const y0 = Math.max(0, Math.min(size - 1, Math.floor(sy)));
  const x1 = Math.min(size - 1, x0 + 1);
  const y1 = Math.min(size - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, sx - x0));
  const fy = Math.max(0, Math.min(1, sy - y0));
  const at = (x: number, y: number): number => src[(y * size + x) * 3 + c] ?? 0;
  return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

/** out(x, y) = in(a·x + b·y + c, d·x + e·y + f), coordinates in pixels. */
function affine(img: Image, m: readonly [number, number, number, number, number, number]): Image {
  const { size, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = m[0] * x + m[1] * y + m[2];
      const sy = m[3] * x + m[4] * y + m[5];
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = clamp(sample(data, size, sx, sy, c));
    }
  }
  return { size, data: out };
}

function mapPixels(img: Image, f: (v: number, c: number, i: number) => number): Image {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = clamp(f(img.data[i] ?? 0, i % 3, i));
  return { size: img.size, data: out };
}

function grey(img: Image): Float32Array {
  const g = new Float32Array(img.size * img.size);
  for (let p = 0; p < g.length; p++) g[p] = 0.299 * (img.data[p * 3] ?? 0) + 0.587 * (img.data[p * 3 + 1] ?? 0) + 0.114 * (img.data[p * 3 + 2] ?? 0);
  return g;
}

/** PIL-style enhance: blend with a degenerate image by `factor` (0 = degenerate, 1 = original). */
function blend(img: Image, degenerate: (i: number, c: number) => number, factor: number): Image {
  return mapPixels(img, (v, c, i) => degenerate(i, c) + factor * (v - degenerate(i, c)));
}

type Op = (img: Image, level: number, random: Random) => Image;

/** Level in [0, 1] → a signed magnitude (each op is applied in either direction, as in timm). */
const signed = (value: number, random: Random): number => (random.next() < 0.5 ? -value : value);
const enhance = (level: number, random: Random): number => 1 + signed(0.9 * level, random);

/** The RandAugment / TrivialAugment operations with timm's magnitude ranges (level 1 = magnitude 10). */
const OPS: ReadonlyArray<readonly [string, Op]> = [
  ['identity', (img) => img],
  ['auto_contrast', (img) => {
    const lo = [255, 255, 255];
    const hi = [0, 0, 0];
    img.data.forEach((v, i) => {
      lo[i % 3] = Math.min(lo[i % 3] as number, v);
      hi[i % 3] = Math.max(hi[i % 3] as number, v);
    });
    return mapPixels(img, (v, c) => ((hi[c] as number) > (lo[c] as number) ? ((v - (lo[c] as number)) * 255) / ((hi[c] as number) - (lo[c] as number)) : v));
  }],
  ['equalize', (img) => {
    const luts = [0, 1, 2].map((c) => {
      const hist = new Float64Array(256);
      for (let i = c; i < img.data.length; i += 3) {
        const v = img.data[i] ?? 0;
        hist[v] = (hist[v] ?? 0) + 1;
      }
      const total = img.data.length / 3;
      let cum = 0;
      return Array.from(hist, (h) => ((cum += h) * 255) / total);
    });
    return mapPixels(img, (v, c) => luts[c]?.[v] ?? v);
  }],
  ['rotate', (img, level, random) => {
    const a = (signed(30 * level, random) * Math.PI) / 180;
    const c = (img.size - 1) / 2;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    return affine(img, [cos, sin, c - cos * c - sin * c, -sin, cos, c + sin * c - cos * c]);
  }],
  ['solarize', (img, level) => mapPixels(img, (v) => (v >= 256 - 256 * level ? 255 - v : v))],
  ['posterize', (img, level) => {
    // NOTE: 8 bits (unchanged) at level 0 down to 4 bits at full strength, as timm's PosterizeIncreasing.
    const bits = 8 - Math.min(4, Math.floor(level * 4));
    const mask = (0xff << (8 - bits)) & 0xff;
    return mapPixels(img, (v) => v & mask);
  }],
  ['color', (img, level, random) => {
    const g = grey(img);
    return blend(img, (i) => g[Math.floor(i / 3)] ?? 0, enhance(level, random));
  }],
  ['contrast', (img, level, random) => {
    const g = grey(img);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    return blend(img, () => mean, enhance(level, random));
  }],
  ['brightness', (img, level, random) => blend(img, () => 0, enhance(level, random))],
  ['sharpness', (img, level, random) => {
    const { size, data } = img;
    const smooth = new Float32Array(data.length);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * size + x) * 3 + c;
          if (x === 0 || y === 0 || x === size - 1 || y === size - 1) {
            smooth[i] = data[i] ?? 0;
            continue;
          }
          let s = 5 * (data[i] ?? 0);
          for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += data[((y + dy) * size + x + dx) * 3 + c] ?? 0;
          smooth[i] = s / 13;
        }
      }
    }
    return blend(img, (i) => smooth[i] ?? 0, enhance(level, random));
  }],
  ['shear_x', (img, level, random) => affine(img, [1, signed(0.3 * level, random), 0, 0, 1, 0])],
  ['shear_y', (img, level, random) => affine(img, [1, 0, 0, signed(0.3 * level, random), 1, 0])],
  ['translate_x', (img, level, random) => affine(img, [1, 0, signed(0.45 * level * img.size, random), 0, 1, 0])],
  ['translate_y', (img, level, random) => affine(img, [1, 0, 0, 0, 1, signed(0.45 * level * img.size, random)])],
];

export const AUGMENT_OPS: readonly string[] = OPS.map(([name]) => name);

export function applyOp(name: string, img: Image, level: number, random: Random): Image {
  const op = OPS.find(([n]) => n === name);
  if (!op) throw new Error(`unknown augmentation op ${name}`);
  return op[1](img, level, random);
}

/**
 * timm's RandomResizedCrop (scale 0.08–1, ratio 3/4–4/3, bilinear) followed by a horizontal flip with
 * probability ½: the base training transform whenever augmentation is on.
 */
export function randomResizedCropFlip(img: Image, random: Random): Image {
  const { size } = img;
  const area = size * size;
  let w = size;
  let h = size;
  let x0 = 0;
  let y0 = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (0.08 + 0.92 * random.next());
    const ratio = Math.exp(Math.log(3 / 4) + (Math.log(4 / 3) - Math.log(3 / 4)) * random.next());
    const cw = Math.round(Math.sqrt(target * ratio));
    const ch = Math.round(Math.sqrt(target / ratio));
    if (cw > 0 && ch > 0 && cw <= size && ch <= size) {
      w = cw;
      h = ch;
      x0 = random.int(size - cw + 1);
      y0 = random.int(size - ch + 1);
      break;
    }
  }
  const flip = random.next() < 0.5;
  const sx = w / size;
  const sy = h / size;
  const out = affine(img, flip ? [-sx, 0, x0 + (size - 0.5) * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5] : [sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5]);
  return out;
}

/**
 * The training-time augmentation of one image: random resized crop + flip, then TrivialAugment (one random op
 * at a uniformly random level) or RandAugment (`numOps` random ops at level min(magnitude, 10) / 10).
 */
export function augment(img: Image, kind: AugmentationName, random: Random, numOps: number, magnitude: number): Image {
  if (kind === 'none' || kind === 'auto_augment') return img;
  let out = randomResizedCropFlip(img, random);
  if (kind === 'trivial_augment') return applyOp(random.pick(AUGMENT_OPS), out, random.next(), random);
  const level = Math.min(magnitude, 10) / 10;
  for (let i = 0; i < numOps; i++) out = applyOp(random.pick(AUGMENT_OPS), out, level, random);
  return out;
}
