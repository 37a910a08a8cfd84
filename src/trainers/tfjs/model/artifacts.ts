import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { HubModel } from '../../../hub/model-hub.ts';

const WeightSpecSchema = z
  .object({
    name: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  })
  .passthrough();

const ModelJsonSchema = z.object({
  format: z.string().optional(),
  modelTopology: z.unknown(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(WeightSpecSchema) })),
});

export type WeightSpec = z.infer<typeof WeightSpecSchema>;

/** A model's topology and raw weight bytes, before any tensor exists. */
export interface ModelArtifacts {
  readonly format: 'layers' | 'graph';
  readonly topology: unknown;
  readonly weightSpecs: WeightSpec[];
  readonly weightData: ArrayBuffer;
  /** Where it came from, for logs and errors. */
  readonly origin: string;
}

function detectFormat(json: z.infer<typeof ModelJsonSchema>, declared: 'layers' | 'graph'): 'layers' | 'graph' {
  const topology = json.modelTopology as Record<string, unknown> | null;
  if (topology && typeof topology === 'object') {
    if ('node' in topology) return 'graph';
    if ('model_config' in topology) return 'layers';
  }
  if (json.format === 'graph-model') return 'graph';
  if (json.format === 'layers-model') return 'layers';
  return declared;
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

function assemble(raw: unknown, shards: readonly Uint8Array[], declared: 'layers' | 'graph', origin: string): ModelArtifacts {
  const json = ModelJsonSchema.parse(raw);
  return {
    format: detectFormat(json, declared),
    topology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: concat(shards),
    origin,
  };
}

/** The folder of an installed npm package (works for packages whose "exports" hide package.json). */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (parsed.name === name) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of '${name}' not found`);
    dir = parent;
  }
}

async function fromFolder(dir: string, declared: 'layers' | 'graph', origin: string): Promise<ModelArtifacts> {
  const modelJson = join(dir, 'model.json');
  if (existsSync(modelJson)) return fromModelJson(modelJson, declared);
  // NOTE: nsfwjs ships each model as CommonJS modules: model.min.js exports the model.json object and
  // group1-shardXofY.min.js exports that shard's bytes in base64 (so bundlers can inline them).
  const bundle = join(dir, 'model.min.js');
  if (!existsSync(bundle)) throw new Error(`${dir}: neither model.json nor model.min.js found`);
  const require = createRequire(import.meta.url);
  const raw: unknown = require(bundle);
  const json = ModelJsonSchema.parse(raw);
  const shards = json.weightsManifest.flatMap((group) =>
    group.paths.map((path) => {
      const base64: unknown = require(join(dir, `${path}.min.js`));
      if (typeof base64 !== 'string') throw new Error(`${dir}/${path}.min.js does not export base64 weights`);
      return new Uint8Array(Buffer.from(base64, 'base64'));
    }),
  );
  return assemble(json, shards, declared, origin);
}

async function fromModelJson(file: string, declared: 'layers' | 'graph'): Promise<ModelArtifacts> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const json = ModelJsonSchema.parse(raw);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths.map(async (path) => new Uint8Array(await readFile(join(dirname(file), path))))),
  );
  return assemble(json, shards, declared, file);
}

async function fromUrl(url: string, declared: 'layers' | 'graph'): Promise<ModelArtifacts> {
  const get = async (target: string): Promise<Response> => {
    const response = await fetch(target);
    if (!response.ok) throw new Error(`${target}: HTTP ${response.status}`);
    return response;
  };
  const raw: unknown = await (await get(url)).json();
  const json = ModelJsonSchema.parse(raw);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths.map(async (path) => new Uint8Array(await (await get(new URL(path, url).href)).arrayBuffer()))),
  );
  return assemble(json, shards, declared, url);
}

/**
 * Reads a hub model's artifacts without tfjs: from an installed npm package (a model.json folder or nsfwjs'
 * JS-module bundle), a local model.json (relative to the hub file), or a URL (machines with internet).
 */
export async function loadArtifacts(model: HubModel, hubDir: string): Promise<ModelArtifacts> {
  const source = model.source;
  switch (source.kind) {
    case 'npm': {
      const dir = join(packageDir(source.package), source.path);
      return source.path.endsWith('.json') ? fromModelJson(dir, source.format) : fromFolder(dir, source.format, `npm:${source.package}/${source.path}`);
    }
    case 'local': {
      const path = isAbsolute(source.path) ? source.path : resolve(hubDir, source.path);
      return path.endsWith('.json') ? fromModelJson(path, source.format) : fromFolder(path, source.format, path);
    }
    case 'url':
      return fromUrl(source.url, source.format);
    case 'timm':
      throw new Error(`model '${model.name}' is a timm model: it needs the command trainer (a Python finetuning script)`);
  }
}
