import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from './project-root.ts';
import { compileLinalgWasm, LINALG_BINARY_MODULE, renderBinaryModule } from './wasm-compile.ts';

// Regenerates src/numerics/linalg-wasm-binary.ts from the AssemblyScript source (npm run build:wasm).
const root = projectRoot();
const binary = await compileLinalgWasm(root);
await writeFile(join(root, LINALG_BINARY_MODULE), renderBinaryModule(binary));
process.stdout.write(`wrote ${LINALG_BINARY_MODULE} (${binary.length} bytes of wasm)\n`);
