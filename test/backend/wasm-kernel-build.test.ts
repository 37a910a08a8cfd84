import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEPTHWISE_WASM_BASE64 } from '../../src/backend/wasm-depthwise-binary.ts';
import { compileDepthwiseKernels } from '../../scripts/wasm-kernel-compiler.ts';

test('the committed depthwise wasm binary is what assembly/depthwise-grads.ts compiles to', async () => {
  const compiled = await compileDepthwiseKernels();
  assert.equal(Buffer.from(compiled).toString('base64'), DEPTHWISE_WASM_BASE64, 'run: node dist/scripts/build-wasm-kernels.js');
});
