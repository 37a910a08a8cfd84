/** Raw pixels decoded from a BMP file. */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;

/**
 * Decodes an uncompressed Windows bitmap (1/4/8-bit paletted, 24-bit, 32-bit BI_RGB or standard BI_BITFIELDS).
 * NOTE: sharp (libvips) reads no BMP, and BMP is common in older image datasets; RLE-compressed files are
 * rare and rejected with a reason, so the caller skips them with a warning.
 */
export function decodeBmp(bytes: Uint8Array): RawImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new Error(`unsupported BMP header (size ${headerSize})`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0 || width * height > 1 << 28) throw new Error(`implausible BMP size ${width}x${height}`);
  if (![1, 4, 8, 24, 32].includes(bits)) throw new Error(`unsupported BMP bit depth ${bits}`);
  if (!(compression === BI_RGB || (compression === BI_BITFIELDS && bits === 32))) {
    throw new Error(`unsupported BMP compression ${compression}`);
  }
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  if (pixelOffset + rowBytes * height > bytes.length) throw new Error('truncated BMP file');
  let palette: Uint8Array | undefined;
  if (bits <= 8) {
    const colours = view.getUint32(46, true) || 1 << bits;
    const start = 14 + headerSize;
    palette = bytes.subarray(start, start + colours * 4);
  }
  const hasAlpha = bits === 32 && compression === BI_RGB && hasNonZeroAlpha(bytes, pixelOffset, rowBytes, width, height);
  const channels: 3 | 4 = hasAlpha ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const bitPos = x * bits;
        const byte = bytes[row + (bitPos >> 3)] ?? 0;
        const index = bits === 8 ? byte : (byte >> (8 - bits - (bitPos & 7))) & ((1 << bits) - 1);
        data[o] = palette[index * 4 + 2] ?? 0;
        data[o + 1] = palette[index * 4 + 1] ?? 0;
        data[o + 2] = palette[index * 4] ?? 0;
      } else {
        const p = row + x * (bits >> 3);
        data[o] = bytes[p + 2] ?? 0;
        data[o + 1] = bytes[p + 1] ?? 0;
        data[o + 2] = bytes[p] ?? 0;
        if (channels === 4) data[o + 3] = bytes[p + 3] ?? 255;
      }
    }
  }
  return { data, width, height, channels };
}

/** 32-bit BI_RGB files often leave the fourth byte at zero: treat it as alpha only when some pixel sets it. */
function hasNonZeroAlpha(bytes: Uint8Array, offset: number, rowBytes: number, width: number, height: number): boolean {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if ((bytes[offset + y * rowBytes + x * 4 + 3] ?? 0) !== 0) return true;
  }
  return false;
}

/** Width, height and channels of a BMP file; decodes it (cheap for BMP), which also validates it. */
export function probeBmp(bytes: Uint8Array): { width: number; height: number; channels: number } {
  const image = decodeBmp(bytes);
  return { width: image.width, height: image.height, channels: image.channels };
}
