/** Result shapes of the similarity requests (types only; the renderer imports them with `import type`). */
import type { ImageTile } from './types.js';

export interface SimilarItem {
  tile: ImageTile;
  /** Cosine similarity of the centred features, 1 = identical. */
  score: number;
}

export interface SimilarResults {
  items: SimilarItem[];
  /** Which search answered: exact (usearch brute force) or approximate (HNSW). */
  method: 'exact' | 'approximate';
  /** How many vectors were searched. */
  searched: number;
}

export interface DuplicateMemberView {
  tile: ImageTile;
  score: number;
  keep: boolean;
  width: number | null;
  height: number | null;
  sizeBytes: number;
}

export interface DuplicateGroupView {
  minScore: number;
  members: DuplicateMemberView[];
}

export interface EmbeddingMap {
  kind: 'pca' | 'umap';
  imageIds: number[];
  /** x, y per image, in imageIds order. */
  xy: number[];
  /** Top-1 class index per image (-1 without a prediction), for colouring. */
  classIndex: number[];
  /** Label per image (null when unlabelled). */
  label: (string | null)[];
}

export interface SimilarityStatus {
  vectors: number;
  indexed: number;
  dim: number;
}

export interface TrashReport {
  trashed: number;
  failed: { relPath: string; message: string }[];
}
