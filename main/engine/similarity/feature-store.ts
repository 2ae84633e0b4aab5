/**
 * One model's feature vectors of one library held in memory as a growable row-major matrix,
 * with an id -> row map, so new batches from the indexing job are appended (or replace a
 * re-processed image's row) without reloading the catalog.
 */
import { FieldmarkError } from '../../util/errors.js';

/**
 * The int8 copy of the rows: values = round(x * scale). errorMax bounds |x - values/scale| and
 * normMax bounds |values/scale| over every row, so a query's int8 score tells how far its float
 * score can be (see exact-search.ts).
 */
export interface RowCodes {
  values: Int8Array;
  scale: number;
  errorMax: number;
  normMax: number;
}

export class FeatureStore {
  private ids: Int32Array;
  private data: Float32Array;
  private count = 0;
  private readonly rowOf = new Map<number, number>();
  /** int8 copies of the rows (see enableCodes), or null. */
  private codeData: Int8Array | null = null;
  private codeScale = 0;
  /** The largest |x - codes/scale| and |codes/scale| over the rows: the error bound of exact search. */
  private codeErrorMax = 0;
  private codeNormMax = 0;

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dim) || dim <= 0)
      throw new FieldmarkError('InvalidArgument', `expected a positive integer feature dimension, received ${dim}`);
    this.ids = new Int32Array(Math.max(1, capacity));
    this.data = new Float32Array(Math.max(1, capacity) * dim);
  }

  /** A store over a catalog matrix (rows are copied once; the matrix can be dropped afterwards). */
  static from(imageIds: ArrayLike<number>, dim: number, vectors: Float32Array): FeatureStore {
    const store = new FeatureStore(dim, imageIds.length);
    store.upsert(imageIds, vectors);
    return store;
  }

  get size(): number {
    return this.count;
  }

  /** Image ids, row order (a view: valid until the next upsert). */
  get imageIds(): Int32Array {
    return this.ids.subarray(0, this.count);
  }

  /** All vectors, row-major (a view: valid until the next upsert). */
  get vectors(): Float32Array {
    return this.data.subarray(0, this.count * this.dim);
  }

  /**
   * Keeps an int8 copy of every row (value x scale, rounded), a quarter of the memory traffic of
   * the floats: exact search scans it first and rescores the best candidates in float32. The scale
   * maps the largest component seen so far to 127; rows added later are clamped to it.
   */
  enableCodes(): void {
    if (this.codeData) return;
    let max = 1e-6;
    for (let i = 0; i < this.count * this.dim; i++) max = Math.max(max, Math.abs(this.data[i]!));
    this.codeScale = 127 / max;
    this.codeData = new Int8Array(this.ids.length * this.dim);
    for (let row = 0; row < this.count; row++) this.encode(row);
  }

  /** The int8 rows (a view) and their scale, or null when codes are off. */
  get codes(): RowCodes | null {
    if (!this.codeData) return null;
    return {
      values: this.codeData.subarray(0, this.count * this.dim),
      scale: this.codeScale,
      errorMax: this.codeErrorMax,
      normMax: this.codeNormMax,
    };
  }

  private encode(row: number): void {
    const codes = this.codeData!;
    const scale = this.codeScale;
    let error = 0;
    let norm = 0;
    for (let i = row * this.dim; i < (row + 1) * this.dim; i++) {
      const code = Math.max(-127, Math.min(127, Math.round(this.data[i]! * scale)));
      codes[i] = code;
      const decoded = code / scale;
      error += (this.data[i]! - decoded) ** 2;
      norm += decoded * decoded;
    }
    // Maxima only grow (a replaced row's old error stays counted): the bound stays safe.
    this.codeErrorMax = Math.max(this.codeErrorMax, Math.sqrt(error));
    this.codeNormMax = Math.max(this.codeNormMax, Math.sqrt(norm));
  }

  has(imageId: number): boolean {
    return this.rowOf.has(imageId);
  }

  row(imageId: number): number | undefined {
    return this.rowOf.get(imageId);
  }

  /** The stored vector of an image (a view), or null. */
  vector(imageId: number): Float32Array | null {
    const row = this.rowOf.get(imageId);
    return row === undefined ? null : this.data.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /** Adds rows, replacing the vector of ids already present; returns the ids that were new. @throws FieldmarkError InvalidArgument on a size mismatch */
  upsert(imageIds: ArrayLike<number>, vectors: Float32Array): number[] {
    if (vectors.length !== imageIds.length * this.dim) {
      throw new FieldmarkError(
        'InvalidArgument',
        `expected ${imageIds.length} x ${this.dim} floats, received ${vectors.length}`,
      );
    }
    const added: number[] = [];
    this.reserve(this.count + imageIds.length);
    for (let i = 0; i < imageIds.length; i++) {
      const id = imageIds[i]!;
      let row = this.rowOf.get(id);
      if (row === undefined) {
        row = this.count++;
        this.rowOf.set(id, row);
        this.ids[row] = id;
        added.push(id);
      }
      this.data.set(vectors.subarray(i * this.dim, (i + 1) * this.dim), row * this.dim);
      if (this.codeData) this.encode(row);
    }
    return added;
  }

  /** A cheap fingerprint of which ids are stored, to tell whether a saved index still matches. */
  idsChecksum(): string {
    let sum = 0;
    let xor = 0;
    for (let i = 0; i < this.count; i++) {
      sum = (sum + this.ids[i]!) % 2_147_483_647;
      xor ^= Math.imul(this.ids[i]!, 2_654_435_761);
    }
    return `${this.count}:${sum}:${xor >>> 0}`;
  }

  private reserve(rows: number): void {
    if (rows <= this.ids.length) return;
    const capacity = Math.max(rows, Math.ceil(this.ids.length * 1.5));
    const ids = new Int32Array(capacity);
    ids.set(this.ids.subarray(0, this.count));
    const data = new Float32Array(capacity * this.dim);
    data.set(this.data.subarray(0, this.count * this.dim));
    this.ids = ids;
    this.data = data;
    if (this.codeData) {
      const codes = new Int8Array(capacity * this.dim);
      codes.set(this.codeData.subarray(0, this.count * this.dim));
      this.codeData = codes;
    }
  }
}
