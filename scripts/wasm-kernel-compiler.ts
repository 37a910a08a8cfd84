import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from './project-root.ts';

/** The flags the committed binary was built with (SIMD on, no runtime, no assertions). */
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd'];

/** Compiles assembly/depthwise-grads.ts in memory with the AssemblyScript compiler (a devDependency). */
export async function compileDepthwiseKernels(): Promise<Uint8Array> {
  const asc = (await import('assemblyscript/asc')).default;
  const source = join(projectRoot(), 'assembly', 'depthwise-grads.ts');
  const text = await readFile(source, 'utf8');
  const outputs = new Map<string, Uint8Array | string>();
  const stderr: string[] = [];
  const result = await asc.main(['depthwise-grads.ts', ...ASC_FLAGS, '--outFile', 'out.wasm'], {
    readFile: (name: string) => (name === 'depthwise-grads.ts' ? text : null),
    writeFile: (name: string, contents: Uint8Array | string) => void outputs.set(name, contents),
    listFiles: () => [],
    stderr: { write: (chunk: string | Uint8Array) => void stderr.push(String(chunk)) },
    stdout: { write: () => undefined },
  } as never);
  if (result.error) throw new Error(`asc failed: ${result.error.message}\n${stderr.join('')}`);
  const wasm = outputs.get('out.wasm');
  if (!(wasm instanceof Uint8Array)) throw new Error(`asc wrote no wasm: ${stderr.join('')}`);
  return wasm;
}
