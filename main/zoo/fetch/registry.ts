/**
 * The model registry (`models/registry.json`): the published ResNet checkpoints Fieldmark can
 * download and convert, with what each needs (architecture, label set, preprocessing) and what
 * it is known to achieve. Data read by the app, validated on load.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FieldmarkError } from '../../util/errors.js';
import { modelsDataDir } from './data-paths.js';
import type { PreprocessSpec } from '../onnx/model-metadata.js';
import { modelMetadataSchema } from '../onnx/model-metadata-schema.js';

const entrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  title: z.string(),
  architecture: z.string(),
  labelSet: z.string(),
  /** Number of classes of the checkpoint's head (null: a feature extractor without a usable head). */
  numClasses: z.number().int().positive().nullable(),
  preprocess: modelMetadataSchema.shape.preprocess,
  /** Millions of parameters and GFLOPs, as published. */
  paramsM: z.number().positive(),
  flopsG: z.number().positive(),
  top1: z.number().nullable(),
  top5: z.number().nullable(),
  checkpoint: z.object({
    url: z.url(),
    /** The leading hex digits of the file's SHA-256 (OpenMMLab puts 8 in the file name). */
    sha256Prefix: z.string().regex(/^[0-9a-f]{8,64}$/),
  }),
  licence: z.string(),
  source: z.string(),
  notes: z.string().optional(),
});

const registrySchema = z.object({
  formatVersion: z.literal(1),
  defaultModel: z.string(),
  models: z.array(entrySchema),
});

export type RegistryEntry = z.infer<typeof entrySchema> & { preprocess: PreprocessSpec };
export interface Registry {
  defaultModel: string;
  models: RegistryEntry[];
}

let cached: { dir: string; registry: Registry } | null = null;

/**
 * Loads and validates `models/registry.json` (cached per data folder).
 * @throws FieldmarkError Internal when the shipped registry is missing or malformed.
 */
export async function loadRegistry(env: NodeJS.ProcessEnv = process.env): Promise<Registry> {
  const dir = modelsDataDir(env);
  if (cached && cached.dir === dir) return cached.registry;
  const path = join(dir, 'registry.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FieldmarkError('Internal', `the model registry ${path} could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = registrySchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new FieldmarkError('Internal', `the model registry ${path} is malformed: ${problems.join('; ')}`);
  }
  const ids = new Set<string>();
  for (const entry of parsed.data.models) {
    if (ids.has(entry.id)) throw new FieldmarkError('Internal', `the model registry ${path} lists "${entry.id}" twice`);
    ids.add(entry.id);
  }
  const registry: Registry = { defaultModel: parsed.data.defaultModel, models: parsed.data.models as RegistryEntry[] };
  cached = { dir, registry };
  return registry;
}

/** The entry with this id, or undefined. */
export async function findRegistryEntry(
  id: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryEntry | undefined> {
  return (await loadRegistry(env)).models.find((entry) => entry.id === id);
}

/**
 * The entry with this id.
 * @throws FieldmarkError InvalidArgument listing the known ids when there is none.
 */
export async function requireRegistryEntry(id: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryEntry> {
  const registry = await loadRegistry(env);
  const entry = registry.models.find((candidate) => candidate.id === id);
  if (!entry) {
    throw new FieldmarkError(
      'InvalidArgument',
      `unknown registry id "${id}": expected one of ${registry.models.map((m) => m.id).join(', ')}`,
    );
  }
  return entry;
}
