/**
 * The int8 quantization requests: start quantizing a model on a folder of the user's images
 * (progress and the outcome arrive as `quantize` events), and read the current status. Merged
 * into `requests.ts`.
 */
import { z } from 'zod';
import type { QuantizeStatus } from './quantize-types.js';

export const quantizeRequestSchemas = {
  /** Starts the job and returns at once; refused while one is running. */
  'models.quantize': z.strictObject({
    modelId: z.string().min(1).max(4096),
    calibrationFolder: z.string().min(1).max(4096),
    images: z.int().min(1).max(100_000).optional(),
    method: z.enum(['minmax', 'percentile', 'entropy']).optional(),
  }),
  'models.quantizeStatus': z.strictObject({}),
} as const;

export interface QuantizeRequestResults {
  'models.quantize': QuantizeStatus;
  'models.quantizeStatus': QuantizeStatus;
}
