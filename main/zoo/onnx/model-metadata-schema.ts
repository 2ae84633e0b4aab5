/**
 * Validation of the `fieldmark` metadata JSON found in a model file, so a model written by an
 * older or foreign tool is refused with a message naming the field rather than half-used.
 */
import { z } from 'zod';
import type { ModelMetadata } from './model-metadata.js';

const backend = z.enum(['cv2', 'pillow']);
const interpolation = z.enum(['bilinear', 'bicubic']).optional();
const positiveInt = z.number().int().positive();
const rgb = z.tuple([z.number(), z.number(), z.number()]);

const resizeRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('short-edge'), size: positiveInt, backend, interpolation }),
  z.object({ kind: z.literal('fixed'), width: positiveInt, height: positiveInt, backend, interpolation }),
  z.object({ kind: z.literal('none') }),
]);

const size = z.object({ width: positiveInt, height: positiveInt });

const weightsSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('seeded'), seed: z.number().int() }),
  z.object({ kind: z.literal('checkpoint'), file: z.string(), sha256: z.string(), url: z.string().optional() }),
]);

const fraction = z.number().min(0).max(1);

const quantization = z.object({
  format: z.literal('qdq-int8'),
  method: z.enum(['minmax', 'percentile', 'entropy']),
  precision: z.enum(['int8', 'mixed']).optional(),
  sourceModel: z.string().min(1),
  calibrationImages: z.number().int().nonnegative(),
  checkImages: z.number().int().nonnegative(),
  top1Agreement: fraction,
  meanAbsDeltaTop1: fraction,
  featureRecallAt10: fraction.nullable(),
  speedup: z.number().positive().nullable(),
  measuredOn: z.string().nullable(),
});

export const modelMetadataSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string().min(1),
  architecture: z.string().min(1),
  labelSet: z.string().min(1),
  classNames: z.array(z.string()),
  preprocess: z.object({
    resize: resizeRule,
    crop: size.nullable(),
    input: size,
    mean: rgb,
    std: rgb.refine((values) => values.every((v) => v > 0), 'std values must be positive'),
  }),
  featureDim: positiveInt,
  trained: z.boolean(),
  source: weightsSource,
  notes: z.string().optional(),
  quantization: quantization.optional(),
  training: z
    .object({
      baseModelId: z.string().min(1),
      baseModelSha256: z.string(),
      trainingLabels: z.number().int().nonnegative(),
      cvAccuracy: z.number().min(0).max(1),
      regularisationC: z.number().positive(),
      folds: z.number().int().positive(),
      trainedAt: z.string(),
    })
    .optional(),
});

/** Parses metadata JSON text; returns the metadata or a readable list of what was wrong. */
export function parseModelMetadata(text: string): { ok: true; value: ModelMetadata } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = modelMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, problem: issues.join('; ') };
  }
  return { ok: true, value: parsed.data as ModelMetadata };
}
