import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { loadTf, type Tf } from '../../../src/backend/tfjs-backend.ts';
import { loadModelHub } from '../../../src/hub/model-hub.ts';
import { Network } from '../../../src/trainers/tfjs/model/network.ts';
import { planNetwork } from '../../../src/trainers/tfjs/model/plan.ts';
import { loadPretrained } from '../../../src/trainers/tfjs/model/pretrained.ts';
import { shippedMetadataPath } from '../../../src/util/package-info.ts';

type Tensor = ReturnType<Tf['tensor']>;

test('gradients through the finetuned MobileNetV2 (patched wasm kernels) match the cpu backend', async () => {
  const { tf } = await loadTf();
  const hub = await loadModelHub();
  const entry = hub.models.find((m) => m.name === 'mobilenet_v2_100_nsfwjs');
  assert.ok(entry);
  const model = await loadPretrained(tf, entry, shippedMetadataPath());
  const images = tf.randomUniform([2, 48, 48, 3], 0, 1, 'float32', 11).dataSync() as Float32Array;
  const target = tf.randomNormal([2, 1280], 0, 1, 'float32', 12).dataSync() as Float32Array;
  // pct_to_freeze 0.2: strided and depthwise convolutions, zero padding and residual adds are all trained.
  const plan = planNetwork(model.ir, model.featureNode, 0.2);
  const gradients = async (backend: 'cpu' | 'wasm'): Promise<Map<string, Float32Array>> => {
    await tf.setBackend(backend);
    const net = new Network(tf, plan, model.weights);
    const x = tf.tensor4d(images, [2, 48, 48, 3]);
    const t = tf.tensor2d(target, [2, 1280]);
    const frontier = tf.tidy(() => net.runPrefix(x));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.runTrainable(frontier), t)) as ReturnType<Tf['scalar']>, net.params.map((p) => p.variable));
    const byName = new Map(net.params.map((p) => [p.variable.name, p.name]));
    const out = new Map(Object.entries(grads).map(([k, g]) => [byName.get(k) ?? k, Float32Array.from(g.dataSync())]));
    tf.dispose([value, x, t, ...frontier, ...Object.values(grads) as Tensor[]]);
    net.dispose();
    return out;
  };
  try {
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    assert.equal(wasm.size, cpu.size);
    assert.ok(cpu.size > 100);
    let worst = 0;
    for (const [name, expected] of cpu) {
      const actual = wasm.get(name);
      assert.ok(actual, name);
      let scale = 1e-6;
      let error = 0;
      for (let i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i] as number));
        error = Math.max(error, Math.abs((actual[i] as number) - (expected[i] as number)));
      }
      worst = Math.max(worst, error / scale);
      assert.ok(error / scale < 1e-4, `${name}: max error ${error} for gradients up to ${scale}`);
    }
    // Measured: about 2e-6 (float32 sums in a different order).
    assert.ok(worst < 1e-4);
  } finally {
    await tf.setBackend('wasm');
    model.dispose();
  }
});
