/**
 * The learning requests (issue 10): train a head on the current model's stored features from the
 * user's labels (progress as `training` events), evaluate the current model against the labels,
 * propagate labels as suggestions and accept or reject them in bulk. Merged into `requests.ts`.
 */
import { z } from 'zod';
import type { EvaluationReport, PropagationSummary, SuspectItem, TrainStatus } from './learning-types.js';

const score = z.number().min(0).max(1);

export const learningRequestSchemas = {
  /** Starts training and returns at once; refused while one is running. */
  'learning.train': z.strictObject({}),
  'learning.status': z.strictObject({}),
  'learning.cancel': z.strictObject({}),
  'learning.evaluate': z.strictObject({}),
  /** The user's labels most likely wrong, most suspect first. */
  'learning.suspects': z.strictObject({ limit: z.int().min(1).max(10_000) }),
  'learning.propagate': z.strictObject({ minScore: score }),
  'learning.reviewSuggestions': z.strictObject({
    decision: z.enum(['accept', 'reject']),
    minScore: score,
    label: z.string().min(1).max(200).optional(),
  }),
} as const;

export interface LearningRequestResults {
  'learning.train': TrainStatus;
  'learning.status': TrainStatus;
  'learning.cancel': TrainStatus;
  'learning.evaluate': EvaluationReport;
  'learning.suspects': SuspectItem[];
  'learning.propagate': PropagationSummary;
  'learning.reviewSuggestions': { changed: number };
}
