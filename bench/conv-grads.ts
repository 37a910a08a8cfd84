/**
 * Times the wasm convolution gradient kernels quicktune registers against the forward pass (and the stock
 * wasm Conv2DBackpropInput) on layer shapes of MobileNetV2 at 224 px. Run: node dist/bench/conv-grads.js [batch]
 */
import { loadTf, type Tf } from '../src/backend/tfjs-backend.ts';
import { loadavg } from 'node:os';

interface Layer {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: number;
  readonly depthwise: boolean;
}

function time(tf: Tf, f: () => { dataSync(): unknown }, repeats = 3): number {
  tf.tidy(() => void f().dataSync());
  const start = performance.now();
  for (let i = 0; i < repeats; i++) tf.tidy(() => void f().dataSync());
  return (performance.now() - start) / repeats;
}

async function main(): Promise<void> {
  const batch = Number(process.argv[2] ?? 8);
  const { tf } = await loadTf('wasm');
  const layers: Layer[] = [
    { name: 'stem 3x3/2', x: [batch, 224, 224, 3], filter: [3, 3, 3, 32], stride: 2, depthwise: false },
    { name: 'dw 3x3 112px', x: [batch, 112, 112, 32], filter: [3, 3, 32, 1], stride: 1, depthwise: true },
    { name: 'pw 1x1 56px 24>144', x: [batch, 56, 56, 24], filter: [1, 1, 24, 144], stride: 1, depthwise: false },
    { name: 'dw 3x3/2 56px', x: [batch, 56, 56, 144], filter: [3, 3, 144, 1], stride: 2, depthwise: true },
    { name: 'pw 1x1 14px 96>576', x: [batch, 14, 14, 96], filter: [1, 1, 96, 576], stride: 1, depthwise: false },
    { name: 'dw 3x3 7px', x: [batch, 7, 7, 960], filter: [3, 3, 960, 1], stride: 1, depthwise: true },
    { name: 'conv 3x3 28px 64>64', x: [batch, 28, 28, 64], filter: [3, 3, 64, 64], stride: 1, depthwise: false },
  ];
  const rows: string[] = [];
  for (const layer of layers) {
    const x = tf.randomNormal(layer.x);
    const w = tf.randomNormal(layer.filter);
    const x4 = tf.reshape(x, layer.x) as ReturnType<Tf['tensor4d']>;
    const w4 = tf.reshape(w, layer.filter) as ReturnType<Tf['tensor4d']>;
    const conv = (xx: typeof x4, ww: typeof w4) =>
      layer.depthwise ? tf.depthwiseConv2d(xx, ww, layer.stride, 'same') : tf.conv2d(xx, ww, layer.stride, 'same');
    const y = conv(x4, w4);
    const dy = tf.randomNormal(y.shape);
    const forward = time(tf, () => conv(x4, w4));
    const attrs = { strides: [layer.stride, layer.stride], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const filterKernel = layer.depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
    const inputKernel = layer.depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput';
    const dW = time(tf, () => tf.engine().runKernel(filterKernel, { x, dy } as never, { ...attrs, filterShape: layer.filter } as never) as typeof x);
    const dX = time(tf, () => tf.engine().runKernel(inputKernel, { dy, filter: w } as never, { ...attrs, inputShape: layer.x } as never) as typeof x);
    rows.push(`| ${layer.name} | ${forward.toFixed(1)} | ${dX.toFixed(1)} | ${dW.toFixed(1)} |`);
    tf.dispose([x, w, x4, w4, y, dy]);
  }
  console.log(`batch ${batch}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ms per call (mean of 3 after a warm-up call)`);
  console.log('| layer | forward | input grad | filter grad |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
