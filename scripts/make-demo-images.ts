import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Random } from '../src/util/random.ts';
import { projectRoot } from './project-root.ts';

// Writes the demo image folder examples/shapes (npm run build:demo-images): three classes of shapes (circle,
// square, triangle) with random colours, sizes, positions and rotations on lightly textured backgrounds:
// small enough to commit, and the classes differ by shape only (colour and position are random), so the
// pipelines of a search differ in how well they learn them. Seeded: the same bytes every time.

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    'per-class': { type: 'string', default: '40' },
    size: { type: 'string', default: '64' },
    seed: { type: 'string', default: '0' },
  },
});

type Shape = 'circle' | 'square' | 'triangle';
const SHAPES: readonly Shape[] = ['circle', 'square', 'triangle'];

/** True where pixel (x, y) lies inside the shape centred at (cx, cy) with radius r, rotated by `angle`. */
function inside(shape: Shape, x: number, y: number, cx: number, cy: number, r: number, angle: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  const u = dx * Math.cos(angle) + dy * Math.sin(angle);
  const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
  switch (shape) {
    case 'circle':
      return u * u + v * v <= r * r;
    case 'square': {
      const half = r * 0.85;
      return Math.abs(u) <= half && Math.abs(v) <= half;
    }
    case 'triangle':
      // Equilateral, inscribed in the circle of radius r: a base line and two sides meeting at (0, -r).
      return v <= r / 2 && v >= -r + Math.sqrt(3) * Math.abs(u);
  }
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5) * 255, f(3) * 255, f(1) * 255];
}

async function writeShape(path: string, shape: Shape, size: number, random: Random): Promise<void> {
  const rgb = new Uint8Array(size * size * 3);
  const background = hsvToRgb(random.next(), 0.2 + 0.4 * random.next(), 0.3 + 0.5 * random.next());
  const colour = hsvToRgb(random.next(), 0.5 + 0.5 * random.next(), 0.5 + 0.5 * random.next());
  const r = size * (0.22 + 0.16 * random.next());
  const cx = r + random.next() * (size - 2 * r);
  const cy = r + random.next() * (size - 2 * r);
  const angle = random.next() * 2 * Math.PI;
  const stripe = 4 + Math.floor(random.next() * 8);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = inside(shape, x + 0.5, y + 0.5, cx, cy, r, angle);
      const texture = ((x + y) / stripe) % 2 < 1 ? 8 : -8;
      for (let c = 0; c < 3; c++) {
        const base = on ? (colour[c] ?? 0) : (background[c] ?? 0) + texture;
        const value = base + (random.next() - 0.5) * 24;
        rgb[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 85 }).toFile(path);
}

const out = values.out ?? join(projectRoot(), 'examples', 'shapes');
const perClass = Number(values['per-class']);
const size = Number(values.size);
const random = new Random(Number(values.seed));
await rm(out, { recursive: true, force: true });
for (const shape of SHAPES) {
  await mkdir(join(out, shape), { recursive: true });
  for (let i = 0; i < perClass; i++) {
    await writeShape(join(out, shape, `${shape}-${String(i).padStart(3, '0')}.jpg`), shape, size, random);
  }
}
process.stdout.write(`wrote ${out}: ${SHAPES.length} classes × ${perClass} images of ${size}×${size} px\n`);
