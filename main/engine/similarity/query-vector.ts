/**
 * Turns "like these, less like those" into one query vector. Positives are combined by their
 * centroid (the mean of the unit vectors, renormalised) rather than "best match to any": one
 * vector keeps every query a single dot product, so the approximate index serves it too, and the
 * centroid favours what the positives share. Negatives follow Rocchio's relevance feedback:
 * q = mean(pos) - NEGATIVE_WEIGHT * mean(neg), renormalised.
 */
import { FieldmarkError } from '../../util/errors.js';

/** Rocchio's gamma; 0.5 pushes away from the negatives without flipping the query towards "anything unlike them". */
export const NEGATIVE_WEIGHT = 0.5;

/** Scales `vector` to unit length in place (a zero vector stays zero) and returns it. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

/** The unit query vector for positives and negatives (each a unit vector of length dim). @throws FieldmarkError InvalidArgument without positives or with mixed dimensions */
export function combineQuery(
  positives: readonly Float32Array[],
  negatives: readonly Float32Array[],
  dim: number,
): Float32Array {
  if (positives.length === 0)
    throw new FieldmarkError(
      'InvalidArgument',
      'expected at least one positive image or vector for a similarity query, received none',
    );
  const query = new Float32Array(dim);
  const accumulate = (vectors: readonly Float32Array[], weight: number): void => {
    for (const vector of vectors) {
      if (vector.length !== dim)
        throw new FieldmarkError(
          'InvalidArgument',
          `expected query vectors of ${dim} floats, received ${vector.length}`,
        );
      for (let i = 0; i < dim; i++) query[i] = query[i]! + (weight * vector[i]!) / vectors.length;
    }
  };
  accumulate(positives, 1);
  if (negatives.length > 0) accumulate(negatives, -NEGATIVE_WEIGHT);
  return normalizeInPlace(query);
}
