import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes written and read back to time checkpoint I/O: about a small model's checkpoint. */
const IO_PROBE_BYTES = 8 * 2 ** 20;

/** Write (with fsync) and read throughput of a scratch file the size of a small checkpoint. */
export async function probeCheckpointIo(dir: string): Promise<{ writeBytesPerSecond: number; readBytesPerSecond: number }> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `io-probe-${process.pid}.tmp`);
  const data = new Uint8Array(IO_PROBE_BYTES).fill(7);
  try {
    let since = performance.now();
    const handle = await open(file, 'w');
    try {
      await handle.write(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const write = (performance.now() - since) / 1000;
    since = performance.now();
    await readFile(file);
    const read = (performance.now() - since) / 1000;
    return { writeBytesPerSecond: IO_PROBE_BYTES / Math.max(write, 1e-4), readBytesPerSecond: IO_PROBE_BYTES / Math.max(read, 1e-4) };
  } finally {
    await rm(file, { force: true });
  }
}
