// AssemblyScript (compiled by scripts/build-wasm-kernels.ts into src/backend/wasm-depthwise-binary.ts).
// Gradients of a depthwise convolution with channel multiplier 1, NHWC, float32, SIMD over channels.
// Buffers are byte offsets into this module's memory, laid out by src/backend/wasm-depthwise-simd.ts.

/**
 * acc64[tap, c] += Σ over images [b0, b1) and output pixels of x[b, ih, iw, c] · dy[b, oh, ow, c], with
 * ih = oh·sH − top + kh·dH (taps outside the image contribute nothing). Per output row the sums run in
 * float32 vector registers (acc32), then go into the float64 accumulator: long sums stay accurate.
 */
export function filterGrad(
  x: usize, dy: usize, acc64: usize, acc32: usize, images: i32,
  inH: i32, inW: i32, channels: i32, outH: i32, outW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  const entries = kH * kW * channels;
  const c4 = channels & ~3;
  for (let b = 0; b < images; b++) {
    for (let oh = 0; oh < outH; oh++) {
      memory.fill(acc32, 0, <usize>entries << 2);
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * sH - top + kh * dH;
        if (ih < 0 || ih >= inH) continue;
        for (let ow = 0; ow < outW; ow++) {
          const dyRow = dy + ((<usize>((b * outH + oh) * outW + ow) * channels) << 2);
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw * dW;
            if (iw < 0 || iw >= inW) continue;
            const xRow = x + ((<usize>((b * inH + ih) * inW + iw) * channels) << 2);
            const aRow = acc32 + ((<usize>(kh * kW + kw) * channels) << 2);
            let c = 0;
            for (; c < c4; c += 4) {
              const o = <usize>c << 2;
              v128.store(aRow + o, f32x4.add(v128.load(aRow + o), f32x4.mul(v128.load(xRow + o), v128.load(dyRow + o))));
            }
            for (; c < channels; c++) {
              const o = <usize>c << 2;
              store<f32>(aRow + o, load<f32>(aRow + o) + load<f32>(xRow + o) * load<f32>(dyRow + o));
            }
          }
        }
      }
      for (let i = 0; i < entries; i++) {
        const p = acc64 + (<usize>i << 3);
        store<f64>(p, load<f64>(p) + <f64>load<f32>(acc32 + (<usize>i << 2)));
      }
    }
  }
}

/** dx[b, ih, iw, c] = Σ over the taps reading (ih, iw) of dy[b, oh, ow, c] · w[kh, kw, c], for `images` images. */
export function inputGrad(
  dy: usize, w: usize, dx: usize, images: i32,
  inH: i32, inW: i32, channels: i32, outH: i32, outW: i32, kH: i32, kW: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, top: i32, left: i32,
): void {
  memory.fill(dx, 0, <usize>images * inH * inW * channels << 2);
  const c4 = channels & ~3;
  for (let b = 0; b < images; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * sH - top + kh * dH;
        if (ih < 0 || ih >= inH) continue;
        for (let ow = 0; ow < outW; ow++) {
          const dyRow = dy + ((<usize>((b * outH + oh) * outW + ow) * channels) << 2);
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw * dW;
            if (iw < 0 || iw >= inW) continue;
            const dxRow = dx + ((<usize>((b * inH + ih) * inW + iw) * channels) << 2);
            const wRow = w + ((<usize>(kh * kW + kw) * channels) << 2);
            let c = 0;
            for (; c < c4; c += 4) {
              const o = <usize>c << 2;
              v128.store(dxRow + o, f32x4.add(v128.load(dxRow + o), f32x4.mul(v128.load(dyRow + o), v128.load(wRow + o))));
            }
            for (; c < channels; c++) {
              const o = <usize>c << 2;
              store<f32>(dxRow + o, load<f32>(dxRow + o) + load<f32>(dyRow + o) * load<f32>(wRow + o));
            }
          }
        }
      }
    }
  }
}
