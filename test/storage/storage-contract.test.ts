import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBackend } from '../../src/storage/backends/file.ts';
import { MemoryBackend } from '../../src/storage/backends/memory.ts';
import { storageContract } from '../../src/testing/storage-contract.ts';

storageContract('journal file', {
  fresh: async () => new FileBackend(join(await mkdtemp(join(tmpdir(), 'qt-contract-')), 'run', 'journal.jsonl')),
  reopen: async (backend) => new FileBackend(backend.location),
  orphansExpireOnReopen: true,
  concurrent: false,
});

let memoryStudies = 0;
storageContract('memory', {
  fresh: async () => new MemoryBackend(`memory://contract-${++memoryStudies}`),
  reopen: async (backend) => backend,
  orphansExpireOnReopen: false,
  concurrent: true,
  shortLeaseSeconds: 0.4,
});
