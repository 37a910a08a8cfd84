import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LINALG_WASM_BASE64 } from '../../src/numerics/linalg-wasm-binary.ts';
import { compileLinalgWasm } from '../../scripts/wasm-compile.ts';
import { projectRoot } from '../helpers/paths.ts';

test('the committed wasm module is what the AssemblyScript source compiles to (run npm run build:wasm if not)', async () => {
  const binary = await compileLinalgWasm(projectRoot());
  assert.equal(Buffer.from(binary).toString('base64'), LINALG_WASM_BASE64);
});
