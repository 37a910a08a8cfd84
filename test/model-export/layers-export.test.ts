import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../src/backend/tfjs-backend.ts';
import { classProbabilities } from '../../src/model-export/restore-pipeline.ts';
import { layersModelArtifacts } from '../../src/model-export/write-model-folder.ts';
import { ModelStore } from '../../src/trainers/tfjs/model-store.ts';
import { featureWidth, PipelineModel } from '../../src/trainers/tfjs/pipeline-model.ts';
import { parseSettings } from '../../src/trainers/tfjs/settings.ts';
import { Random } from '../../src/util/random.ts';

const MODELS: ReadonlyArray<readonly [string, number]> = [
  ['mobilenet_v2_100_nsfwjs', 64],
  // The graph model: folded batch norm, fused activations, explicit paddings.
  ['mobilenet_v2_140_nsfwjs', 64],
  // Valid convolutions, concatenations, poolings; its smallest input.
  ['inception_v3_nsfwjs', 75],
];

test('each tfjs hub model exported as a layers model gives the pipeline\'s own probabilities in tfjs-layers', async () => {
  const { tf } = await loadTf();
  const layers = await import('@tensorflow/tfjs-layers');
  const store = new ModelStore(tf);
  const random = new Random(5);
  try {
    for (const [name, size] of MODELS) {
      const pretrained = await store.get(name);
      const model = new PipelineModel(tf, pretrained, parseSettings({ model: name, pct_to_freeze: 0.6 }), 3, featureWidth(tf, pretrained, size), 1);
      try {
        // Move every trained weight away from its pretrained value: the export must write the trained ones.
        for (const p of model.params) tf.tidy(() => p.variable.assign(tf.add(p.variable, tf.mul(tf.randomNormal(p.variable.shape, 0, 1, 'float32', random.nextUint32()), 0.05))));
        const n = 3;
        const input = Float32Array.from({ length: n * size * size * 3 }, () => random.next());
        const expected = classProbabilities(tf, model, size, input, n);
        const artifacts = layersModelArtifacts(model, pretrained, size, 3);
        const weightData = artifacts.weightData.buffer.slice(artifacts.weightData.byteOffset, artifacts.weightData.byteOffset + artifacts.weightData.length) as ArrayBuffer;
        const loaded = await layers.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelJson.modelTopology, weightSpecs: artifacts.weightSpecs, weightData }));
        const output = tf.tidy(() => (loaded.predict(tf.tensor4d(input, [n, size, size, 3])) as ReturnType<typeof tf.tensor>).dataSync());
        loaded.dispose();
        assert.equal(output.length, expected.length, name);
        const worst = Math.max(...Array.from(expected, (v, i) => Math.abs(v - (output[i] ?? Number.NaN))));
        assert.ok(worst < 1e-4, `${name}: largest probability difference ${worst}`);
        assert.ok(Math.max(...expected) - Math.min(...expected) > 1e-3, `${name}: the probabilities must differ between classes/images for the check to mean anything`);
      } finally {
        model.dispose();
      }
    }
  } finally {
    await store.dispose();
  }
});
