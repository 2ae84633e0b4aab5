/**
 * Reads PyTorch checkpoints without Python: the zip format of torch ≥ 1.6 (`<name>/data.pkl` +
 * `<name>/data/<key>`) and the legacy format (magic number, protocol, system info, the object,
 * the storage keys, then each storage as an int64 element count and its raw bytes), through the
 * restricted pickle reader. Returns the float tensors of the state dict and the class names a
 * checkpoint carries (OpenMMLab `meta.CLASSES` or `meta.dataset_meta.classes`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { FieldmarkError } from '../../util/errors.js';
import {
  isTensorRef,
  PyDict,
  storageFromPersistentId,
  unpickle,
  type StorageRef,
  type TensorRef,
} from './pickle-reader.js';
import { isZip, listZipEntries, readZipEntry } from './zip-archive.js';

export interface CheckpointTensor {
  shape: number[];
  /** The storage's element type, e.g. `FloatStorage`. */
  storageType: string;
  /** float32 values for floating-point tensors; null for integer buffers (num_batches_tracked). */
  data: Float32Array | null;
}

export interface Checkpoint {
  path: string;
  format: 'zip' | 'legacy';
  sha256: string;
  tensors: Map<string, CheckpointTensor>;
  classNames: string[] | null;
}

const ELEMENT_SIZE: Record<string, number> = {
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  DoubleStorage: 8,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
};
const FLOAT_TYPES = new Set(['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage']);
/** torch.serialization.MAGIC_NUMBER and PROTOCOL_VERSION of the legacy format. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function isContiguous(tensor: TensorRef): boolean {
  let expected = 1;
  for (let d = tensor.shape.length - 1; d >= 0; d -= 1) {
    if ((tensor.shape[d] as number) !== 1 && tensor.stride[d] !== expected) return false;
    expected *= tensor.shape[d] as number;
  }
  return true;
}

/** Copies a (possibly strided) tensor out of its storage bytes as float32. */
function materialize(tensor: TensorRef, bytes: Uint8Array, where: string, key: string): Float32Array {
  const { storageType } = tensor.storage;
  const size = ELEMENT_SIZE[storageType] as number;
  const numel = tensor.shape.reduce((a, b) => a * b, 1);
  const lastIndex = tensor.offset + tensor.shape.reduce((sum, dim, i) => sum + (dim - 1) * (tensor.stride[i] ?? 0), 0);
  if (numel > 0 && (lastIndex + 1) * size > bytes.byteLength) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: tensor ${key} [${tensor.shape.join(',')}] runs past its storage of ${bytes.byteLength / size} elements`,
    );
  }
  if (storageType === 'FloatStorage' && isContiguous(tensor) && endianness() === 'LE') {
    // Fast path (nearly every checkpoint): one copy, which also fixes the alignment.
    const start = bytes.byteOffset + tensor.offset * 4;
    return new Float32Array(bytes.buffer.slice(start, start + numel * 4));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (index: number): number => {
    const at = index * size;
    switch (storageType) {
      case 'FloatStorage':
        return view.getFloat32(at, true);
      case 'HalfStorage':
        return halfToFloat(view.getUint16(at, true));
      case 'BFloat16Storage':
        return new Float32Array(Uint32Array.of(view.getUint16(at, true) << 16).buffer)[0] as number;
      default:
        return view.getFloat64(at, true);
    }
  };
  const out = new Float32Array(numel);
  const dims = tensor.shape.length;
  const counter = new Array<number>(dims).fill(0);
  for (let i = 0; i < numel; i += 1) {
    let index = tensor.offset;
    for (let d = 0; d < dims; d += 1) index += (counter[d] as number) * (tensor.stride[d] as number);
    out[i] = read(index);
    for (let d = dims - 1; d >= 0; d -= 1) {
      counter[d] = (counter[d] as number) + 1;
      if ((counter[d] as number) < (tensor.shape[d] as number)) break;
      counter[d] = 0;
    }
  }
  return out;
}

/** Finds the state dict inside the checkpoint object (`state_dict`, `model`, or the object itself). */
function findStateDict(root: unknown, where: string): PyDict {
  if (root instanceof PyDict) {
    for (const key of ['state_dict', 'model']) {
      const inner = root.get(key);
      if (inner instanceof PyDict && [...inner.map.values()].some(isTensorRef)) return inner;
    }
    if ([...root.map.values()].some(isTensorRef)) return root;
  }
  throw new FieldmarkError(
    'CheckpointInvalid',
    `${where}: expected a state dict (or a dict with "state_dict"), found no tensors`,
  );
}

function findClassNames(root: unknown): string[] | null {
  if (!(root instanceof PyDict)) return null;
  const meta = root.get('meta');
  if (!(meta instanceof PyDict)) return null;
  const datasetMeta = meta.get('dataset_meta');
  const candidates = [meta.get('CLASSES'), datasetMeta instanceof PyDict ? datasetMeta.get('classes') : undefined];
  for (const names of candidates) {
    if (Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string')) return names as string[];
  }
  return null;
}

interface Parsed {
  root: unknown;
  storageBytes: (storage: StorageRef) => Uint8Array;
}

function parseZip(data: Uint8Array, where: string): Parsed {
  const entries = listZipEntries(data, where);
  const pickle = entries.find((entry) => entry.name.endsWith('data.pkl') && entry.name.split('/').length === 2);
  if (!pickle)
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: zip archive has no <name>/data.pkl: not a PyTorch checkpoint`,
    );
  const prefix = pickle.name.slice(0, -'data.pkl'.length);
  const byteOrder = entries.find((entry) => entry.name === `${prefix}byteorder`);
  if (byteOrder && new TextDecoder().decode(readZipEntry(data, byteOrder, where)).trim() !== 'little') {
    throw new FieldmarkError('CheckpointInvalid', `${where}: big-endian checkpoints are not supported`);
  }
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const root = unpickle(
    readZipEntry(data, pickle, where),
    0,
    (pid) => storageFromPersistentId(pid, where),
    where,
  ).value;
  return {
    root,
    storageBytes: (storage) => {
      const entry = byName.get(`${prefix}data/${storage.key}`);
      if (!entry)
        throw new FieldmarkError('CheckpointInvalid', `${where}: storage ${storage.key} is missing from the archive`);
      return readZipEntry(data, entry, where);
    },
  };
}

function parseLegacy(data: Uint8Array, where: string): Parsed {
  const noStorage = () => {
    throw new FieldmarkError('CheckpointInvalid', `${where}: unexpected storage in the checkpoint header`);
  };
  const magic = unpickle(data, 0, noStorage, where);
  if (magic.value !== LEGACY_MAGIC) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: not a PyTorch checkpoint (expected a zip archive or the legacy magic number)`,
    );
  }
  const protocol = unpickle(data, magic.end, noStorage, where);
  if (protocol.value !== LEGACY_PROTOCOL)
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: legacy protocol ${String(protocol.value)}, expected ${LEGACY_PROTOCOL}`,
    );
  const sysInfo = unpickle(data, protocol.end, noStorage, where);
  if (sysInfo.value instanceof PyDict && sysInfo.value.get('little_endian') === false) {
    throw new FieldmarkError('CheckpointInvalid', `${where}: big-endian checkpoints are not supported`);
  }
  const storages = new Map<string, StorageRef>();
  const object = unpickle(
    data,
    sysInfo.end,
    (pid) => {
      if (Array.isArray(pid) && pid[5] !== undefined && pid[5] !== null) {
        throw new FieldmarkError('CheckpointInvalid', `${where}: storage views are not supported`);
      }
      const storage = storageFromPersistentId(pid, where);
      storages.set(storage.key, storage);
      return storage;
    },
    where,
  );
  const keys = unpickle(data, object.end, noStorage, where);
  if (!Array.isArray(keys.value))
    throw new FieldmarkError('CheckpointInvalid', `${where}: expected the list of storage keys after the object`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const located = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value.map(String)) {
    const storage = storages.get(key);
    if (!storage) throw new FieldmarkError('CheckpointInvalid', `${where}: storage ${key} is listed but never used`);
    if (pos + 8 > data.byteLength)
      throw new FieldmarkError('CheckpointInvalid', `${where}: file ends before storage ${key} (truncated download?)`);
    const numel = Number(view.getBigInt64(pos, true));
    const length = numel * (ELEMENT_SIZE[storage.storageType] ?? 0);
    pos += 8;
    if (numel < 0 || pos + length > data.byteLength)
      throw new FieldmarkError(
        'CheckpointInvalid',
        `${where}: storage ${key} runs past the end of the file (truncated download?)`,
      );
    located.set(key, data.subarray(pos, pos + length));
    pos += length;
  }
  return {
    root: object.value,
    storageBytes: (storage) => {
      const bytes = located.get(storage.key);
      if (!bytes) throw new FieldmarkError('CheckpointInvalid', `${where}: storage ${storage.key} has no data`);
      return bytes;
    },
  };
}

/** Parses checkpoint bytes (already in memory). @throws FieldmarkError CheckpointInvalid / UnsafeCheckpoint. */
export function parseCheckpoint(data: Uint8Array, path: string): Checkpoint {
  const where = `checkpoint ${path}`;
  const zip = isZip(data);
  const parsed = zip ? parseZip(data, where) : parseLegacy(data, where);
  const stateDict = findStateDict(parsed.root, where);
  const tensors = new Map<string, CheckpointTensor>();
  for (const [key, value] of stateDict.map) {
    if (!isTensorRef(value)) continue;
    const { storageType } = value.storage;
    if (ELEMENT_SIZE[storageType] === undefined)
      throw new FieldmarkError(
        'CheckpointInvalid',
        `${where}: tensor ${String(key)} has unknown storage type ${storageType}`,
      );
    const data = FLOAT_TYPES.has(storageType)
      ? materialize(value, parsed.storageBytes(value.storage), where, String(key))
      : null;
    tensors.set(String(key), { shape: value.shape, storageType, data });
  }
  return {
    path,
    format: zip ? 'zip' : 'legacy',
    sha256: createHash('sha256').update(data).digest('hex'),
    tensors,
    classNames: findClassNames(parsed.root),
  };
}

/**
 * Reads a checkpoint file.
 * @throws FieldmarkError NotFound, CheckpointInvalid or UnsafeCheckpoint, naming the file.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FieldmarkError(
      code === 'ENOENT' ? 'NotFound' : 'ReadFailed',
      `checkpoint ${path} could not be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (data.byteLength === 0) throw new FieldmarkError('CheckpointInvalid', `checkpoint ${path} is empty`);
  return parseCheckpoint(data, path);
}
