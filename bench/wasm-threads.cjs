/**
 * Can the tfjs wasm backend's threaded SIMD build run under Node? tfjs answers WASM_HAS_MULTITHREAD_SUPPORT
 * with false there (tfjs issue 3830), so the trainer uses one core. This probe forces the flag and works
 * around the two things that stop the build from starting under Node: its pthread worker script and its main
 * script are handed to workers as Blob URLs, which Node's worker_threads cannot load. Here the worker script
 * is written to a temporary file (made to load the package's own wasm-out/ copy of the main script), then it
 * times a convolution and a matrix product and prints the thread count XNNPACK reports.
 *
 *   node bench/wasm-threads.cjs [THREADS]      (1: the single-threaded build, as the trainer runs)
 *
 * Plain CommonJS, not compiled: it patches globals before tfjs loads. Measured results: docs/tfjs-trainer.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const THREADS = Number(process.argv[2] ?? 2);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qt-wasm-threads-'));
const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');

// NOTE: Blobs made from strings keep their text, so that a Blob URL can become a file Node can load.
const NodeBlob = globalThis.Blob;
class TextBlob extends NodeBlob {
  constructor(parts, options) {
    super(parts, options);
    this.text = parts.map(String).join('');
  }
}
globalThis.Blob = TextBlob;
const createObjectURL = URL.createObjectURL;
let workerScripts = 0;
URL.createObjectURL = (blob) => {
  if (!(blob instanceof TextBlob) || !blob.text.includes('WasmBackendModuleThreadedSimd(Module)')) return createObjectURL(blob);
  const loadMain =
    'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';
  if (!blob.text.includes(loadMain)) throw new Error('this tfjs version loads its pthread main script differently; the probe needs updating');
  const file = path.join(scratch, 'pthread-worker.js');
  fs.writeFileSync(file, blob.text.replace(loadMain, `importScripts(${JSON.stringify(mainScript)});`));
  workerScripts++;
  return file;
};

const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');

async function time(name, op) {
  op().dispose();
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let check = 0;
  const repeats = 5;
  for (let i = 0; i < repeats; i++) {
    const y = op();
    check += (await y.data())[7];
    y.dispose();
  }
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9 / repeats;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name}: ${wall.toFixed(3)} s wall, ${((cpu.user + cpu.system) / 1e6 / repeats).toFixed(3)} s CPU per op (check ${check.toFixed(4)})`);
}

async function main() {
  if (THREADS > 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(THREADS);
  await tf.setBackend('wasm');
  await tf.ready();
  const module = tf.backend().wasm;
  // NOTE: the pthread workers load asynchronously; ask again once they had time to start.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  console.log(`asked for ${THREADS} threads: XNNPACK reports ${wasm.getThreadsCount()} (again after 2 s: ${module.tfjs.getThreadsCount()}); pthread worker scripts written: ${workerScripts}; workers idle ${module.PThread?.unusedWorkers?.length ?? 0}, running ${module.PThread?.runningWorkers?.length ?? 0}`);
  const x = tf.randomNormal([32, 112, 112, 32], 0, 1, 'float32', 1);
  const w = tf.randomNormal([3, 3, 32, 64], 0, 0.1, 'float32', 2);
  const a = tf.randomNormal([512, 1024], 0, 1, 'float32', 3);
  const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', 4);
  await time('conv2d 32×112×112×32 ⊛ 3×3×32×64', () => tf.conv2d(x, w, 1, 'same'));
  await time('matMul 512×1024 · 1024×1024', () => tf.matMul(a, b));
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error) => {
  console.error(`wasm-threads: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
