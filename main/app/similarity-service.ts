/**
 * The app's similarity side of one open library: a SimilarityEngine (worker thread) for the
 * library's current model, opened on first use and reopened when the model changes, fed with
 * the indexing job's feature batches. Everything heavy runs in the worker; this thread only
 * routes requests and turns ids into tiles.
 */
import { FieldmarkError } from '../util/errors.js';
import { SimilarityEngine } from '../engine/similarity/similarity-engine.js';
import { embedImage } from '../engine/similarity/embed-image.js';
import type { SimilarAnswer, SimilarQuery } from '../engine/similarity/similarity-core.js';
import type { DuplicateGroup } from '../engine/similarity/duplicates.js';
import type { ProjectionReply } from '../engine/similarity/worker-protocol.js';
import type { ResolvedModel } from './model-resolver.js';

export interface SimilarityTarget {
  catalogPath: string;
  libraryId: number;
  modelRowId: number | null;
  model: ResolvedModel | null;
}

export class SimilarityService {
  private engine: SimilarityEngine | null = null;
  private engineModelRow: number | null = null;
  private opening: Promise<SimilarityEngine> | null = null;
  /** Batches that arrive while the worker loads the catalog: re-added once it is up (adds are idempotent). */
  private buffered: { imageIds: number[]; vectors: Float32Array }[] = [];
  private closed = false;

  constructor(
    private readonly target: () => SimilarityTarget,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Forwards new feature vectors of the current model to the worker, if it is open. */
  addFeatures(imageIds: number[], vectors: Float32Array): void {
    if (this.opening) this.buffered.push({ imageIds, vectors: vectors.slice() });
    else if (this.engine && this.engineModelRow === this.target().modelRowId) this.engine.add(imageIds, vectors);
  }

  /** @throws FieldmarkError NotFound before the library has any features */
  async search(query: SimilarQuery): Promise<SimilarAnswer> {
    return (await this.current()).search(query);
  }

  /** Runs a photo that is not in the library through the model: its unit vector (nothing is stored). */
  async embedOutside(bytes: Buffer): Promise<Float32Array> {
    const { model } = this.target();
    if (!model)
      throw new FieldmarkError('ModelMissing', 'no model is loaded for this library yet: wait for indexing to start');
    return embedImage(bytes, model);
  }

  async duplicates(threshold: number): Promise<DuplicateGroup[]> {
    return (await this.current()).duplicates(threshold);
  }

  async projection(kind: 'pca' | 'umap'): Promise<ProjectionReply> {
    return (await this.current()).projection(kind);
  }

  async status(): Promise<{ vectors: number; indexed: number; dim: number }> {
    const { modelRowId } = this.target();
    if (modelRowId === null) return { vectors: 0, indexed: 0, dim: 0 };
    return (await this.current()).status();
  }

  async close(): Promise<void> {
    this.closed = true;
    const engine = this.engine ?? (await this.opening?.catch(() => null)) ?? null;
    this.engine = null;
    await engine?.close();
  }

  /** The engine of the current model, (re)opened when needed. */
  private async current(): Promise<SimilarityEngine> {
    if (this.closed) throw new FieldmarkError('InvalidArgument', 'the library is closed');
    const { catalogPath, libraryId, modelRowId } = this.target();
    if (modelRowId === null)
      throw new FieldmarkError(
        'NotFound',
        'this library has no features yet: wait for indexing to process some images',
      );
    if (this.engine && this.engineModelRow === modelRowId) return this.engine;
    if (this.opening && this.engineModelRow === modelRowId) return this.opening;
    const previous = this.engine;
    this.engine = null;
    this.engineModelRow = modelRowId;
    this.buffered = [];
    const opening = SimilarityEngine.open({ catalogPath, libraryId, modelRowId, persist: true }, this.log);
    this.opening = opening;
    try {
      await previous?.close();
      const engine = await opening;
      if (this.engineModelRow !== modelRowId || this.closed) {
        await engine.close();
        throw new FieldmarkError(
          'Cancelled',
          'the library or its model changed while the similarity index was loading',
        );
      }
      for (const batch of this.buffered) engine.add(batch.imageIds, batch.vectors);
      this.buffered = [];
      this.engine = engine;
      return engine;
    } finally {
      if (this.opening === opening) this.opening = null;
    }
  }
}
