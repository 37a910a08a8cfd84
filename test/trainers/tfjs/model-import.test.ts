import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadTf, type Tf } from '../../../src/backend/tfjs-backend.ts';
import { loadModelHub } from '../../../src/hub/model-hub.ts';
import { loadArtifacts } from '../../../src/trainers/tfjs/model/artifacts.ts';
import { Network } from '../../../src/trainers/tfjs/model/network.ts';
import { defaultFeatureNode, planNetwork } from '../../../src/trainers/tfjs/model/plan.ts';
import { loadPretrained, runIr, type PretrainedModel } from '../../../src/trainers/tfjs/model/pretrained.ts';
import { shippedMetadataPath } from '../../../src/util/package-info.ts';

async function hubModel(tf: Tf, name: string): Promise<PretrainedModel> {
  const hub = await loadModelHub();
  const entry = hub.models.find((m) => m.name === name);
  assert.ok(entry, name);
  return loadPretrained(tf, entry, shippedMetadataPath());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

test('the nsfwjs MobileNetV2 (Keras) imported into quicktune computes what tfjs-layers computes', async () => {
  const { tf } = await loadTf();
  const model = await hubModel(tf, 'mobilenet_v2_100_nsfwjs');
  const hub = await loadModelHub();
  const artifacts = await loadArtifacts(hub.models.find((m) => m.name === model.name)!, shippedMetadataPath());
  const reference = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.topology as never, weightSpecs: artifacts.weightSpecs as never, weightData: artifacts.weightData }));
  const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 3);
  const ours = runIr(tf, model.ir, model.weights, x);
  const theirs = reference.predict(x) as ReturnType<Tf['tensor']>;
  assert.deepEqual(ours.shape, [1, 5]);
  assert.ok(maxAbsDiff(ours.dataSync(), theirs.dataSync()) < 1e-5);
  assert.equal(model.featureNode, 'out_relu');
  assert.equal(defaultFeatureNode(model.ir), 'out_relu');
  tf.dispose([x, ours, theirs]);
  reference.dispose();
  model.dispose();
});

test('the graph-model MobileNetV2 1.4 imports, with its input scaling and the feature layer found', async () => {
  const { tf } = await loadTf();
  const model = await hubModel(tf, 'mobilenet_v2_140_nsfwjs');
  assert.match(model.featureNode, /MobilenetV2\/Conv_1\/Relu6$/);
  assert.ok(model.ir.nodes.some((n) => n.op.kind === 'affine'));
  const x = tf.randomUniform([1, 96, 96, 3], 0, 1, 'float32', 4);
  const features = runIr(tf, model.ir, model.weights, x, model.featureNode);
  assert.deepEqual(features.shape, [1, 3, 3, 1792]);
  tf.dispose([x, features]);
  model.dispose();
});

test('a frozen prefix (batch norm folded) plus the trainable rest gives the features of the whole network', async () => {
  const { tf } = await loadTf();
  const model = await hubModel(tf, 'mobilenet_v2_100_nsfwjs');
  const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 5);
  const whole = tf.tidy(() => tf.mean(runIr(tf, model.ir, model.weights, x, model.featureNode), [1, 2]));
  const before = tf.memory().numTensors;
  for (const pct of [0, 0.5, 0.8, 1]) {
    const plan = planNetwork(model.ir, model.featureNode, pct);
    assert.equal(plan.frozenLayers, Math.round(pct * plan.layers.length));
    const net = new Network(tf, plan, model.weights);
    const split = tf.tidy(() => net.runTrainable(net.runPrefix(x)));
    assert.ok(maxAbsDiff(split.dataSync(), whole.dataSync()) < 1e-4, `pct ${pct}`);
    assert.equal(net.params.length > 0, pct < 1);
    split.dispose();
    net.dispose();
  }
  // Residual blocks cut in the middle need two cached tensors (the block input and the branch).
  assert.ok(planNetwork(model.ir, model.featureNode, 0.5).frontier.length >= 2);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, whole]);
  model.dispose();
});

test('InceptionV3 (concatenations, max and average pooling) imports and splits', async () => {
  const { tf } = await loadTf();
  const model = await hubModel(tf, 'inception_v3_nsfwjs');
  const x = tf.randomUniform([1, 96, 96, 3], 0, 1, 'float32', 6);
  const whole = tf.tidy(() => tf.mean(runIr(tf, model.ir, model.weights, x, model.featureNode), [1, 2]));
  const plan = planNetwork(model.ir, model.featureNode, 0.6);
  const net = new Network(tf, plan, model.weights);
  const split = tf.tidy(() => net.runTrainable(net.runPrefix(x)));
  assert.deepEqual(split.shape, [1, 2048]);
  assert.ok(maxAbsDiff(split.dataSync(), whole.dataSync()) < 1e-4);
  tf.dispose([x, whole, split]);
  net.dispose();
  model.dispose();
});
