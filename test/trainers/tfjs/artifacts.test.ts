import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadTf, type Tf } from '../../../src/backend/tfjs-backend.ts';
import { loadModelHub, type HubModel } from '../../../src/hub/model-hub.ts';
import { loadPretrained, runIr } from '../../../src/trainers/tfjs/model/pretrained.ts';
import { tempDir } from '../../helpers/image-folder.ts';

/** A small Keras-style Sequential CNN saved as model.json + weights.bin in `dir`. */
async function saveTinyModel(tf: Tf, dir: string): Promise<ReturnType<typeof tfl.sequential>> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.reLU({ maxValue: 6 }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }) as never,
  );
  return model;
}

function entry(source: HubModel['source']): HubModel {
  return { name: 'tiny', family: 'tiny', architecture: 'cnn', params_m: 0.001, input_size: 16, imagenet_top1: null, source };
}

test('a local model.json (Sequential Keras model) and the same model over HTTP load and compute like tfjs-layers', async () => {
  const { tf } = await loadTf();
  const dir = await tempDir();
  const reference = await saveTinyModel(tf, dir);
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 9);
  const expected = (reference.predict(x) as ReturnType<Tf['tensor']>).dataSync();
  const check = async (model: HubModel, hubDir: string): Promise<void> => {
    const loaded = await loadPretrained(tf, model, hubDir);
    assert.equal(loaded.ir.nodes.filter((n) => n.op.kind === 'input').length, 1);
    const ours = runIr(tf, loaded.ir, loaded.weights, x).dataSync();
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs((ours[i] as number) - (expected[i] as number)) < 1e-5);
    // The feature layer is the depthwise convolution before global pooling and the classifier.
    assert.match(loaded.featureNode, /depthwise/);
    loaded.dispose();
  };
  await check(entry({ kind: 'local', path: 'model.json', format: 'layers' }), dir);
  const server = createServer((request, response) => {
    import('node:fs/promises').then(async ({ readFile }) => {
      try {
        response.end(await readFile(join(dir, (request.url ?? '/').slice(1))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await check(entry({ kind: 'url', url: `http://127.0.0.1:${port}/model.json`, format: 'layers' }), dir);
    await assert.rejects(loadPretrained(tf, entry({ kind: 'url', url: `http://127.0.0.1:${port}/absent.json`, format: 'layers' }), dir), /HTTP 404/);
  } finally {
    server.close();
  }
  tf.dispose([x]);
  reference.dispose();
});

test('timm models and unsupported layers are refused with a reason', async () => {
  const { tf } = await loadTf();
  const hub = await loadModelHub();
  const timm = hub.models.find((m) => m.source.kind === 'timm');
  assert.ok(timm);
  await assert.rejects(loadPretrained(tf, timm, '.'), /timm model: it needs the command trainer/);
  const dir = await tempDir();
  const topology = { model_config: { class_name: 'Sequential', config: [{ class_name: 'LSTM', config: { name: 'lstm' } }] } };
  await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [] }));
  await assert.rejects(loadPretrained(tf, entry({ kind: 'local', path: 'model.json', format: 'layers' }), dir), /layer 'lstm' \(LSTM\): layer type not supported/);
});
