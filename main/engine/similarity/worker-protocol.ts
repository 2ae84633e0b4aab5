/** Messages between the SimilarityEngine (any thread) and its worker: tagged unions with sequence numbers. */
import type { ErrorData } from '../../util/errors.js';
import type { DuplicateGroup } from './duplicates.js';
import type { Neighbour } from './exact-search.js';
import type { SimilarQuery } from './similarity-core.js';

export interface OpenParams {
  catalogPath: string;
  libraryId: number;
  modelRowId: number;
  approximateMin?: number;
  /** Save the index and map beside the catalog (false in tests that want no files). */
  persist: boolean;
}

export type SimilarityRequest =
  | { type: 'open'; seq: number; params: OpenParams }
  | { type: 'add'; imageIds: Int32Array; vectors: Float32Array }
  | { type: 'search'; seq: number; query: SimilarQuery }
  | { type: 'duplicates'; seq: number; threshold: number }
  | { type: 'projection'; seq: number; kind: 'pca' | 'umap' }
  | { type: 'status'; seq: number }
  | { type: 'close'; seq: number };

export interface EngineStatus {
  vectors: number;
  indexed: number;
  dim: number;
}

export interface ProjectionReply {
  kind: 'pca' | 'umap';
  imageIds: Int32Array;
  xy: Float32Array;
}

export type SimilarityReply =
  | { type: 'ok'; seq: number; value: EngineStatus }
  | { type: 'search'; seq: number; neighbours: Neighbour[]; method: 'exact' | 'approximate'; searched: number }
  | { type: 'duplicates'; seq: number; groups: DuplicateGroup[] }
  | { type: 'projection'; seq: number; projection: ProjectionReply }
  | { type: 'failed'; seq: number; error: ErrorData }
  | { type: 'log'; message: string };
