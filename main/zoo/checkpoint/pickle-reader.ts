/**
 * A restricted pickle reader for PyTorch checkpoints. It is an interpreter of the pickle opcodes
 * that never calls anything: the few globals a state dict needs (tensor rebuilds, storage types,
 * OrderedDict) are emulated by data constructors, and every other global is refused with
 * FieldmarkError 'UnsafeCheckpoint' naming it, so a malicious checkpoint cannot run code.
 * Opcodes: https://github.com/python/cpython/blob/main/Lib/pickletools.py (protocols 0-5).
 */
import { FieldmarkError } from '../../util/errors.js';

/** A Python dict (or OrderedDict): keys are strings or numbers in practice. */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
  get(key: unknown): unknown {
    return this.map.get(key);
  }
}

/** A reference to a storage, as the persistent id of a checkpoint names it. */
export interface StorageRef {
  kind: 'storage';
  /** e.g. `FloatStorage`. */
  storageType: string;
  key: string;
  location: string;
  numel: number;
}

export interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

/** An allowed but inert object (numpy scalars in checkpoint metadata): kept as data, never used. */
export class PyOpaque {
  state: unknown = undefined;
  constructor(
    readonly global: string,
    readonly args: unknown[],
  ) {}
}

class PyGlobal {
  constructor(readonly name: string) {}
}

/** Storage classes a checkpoint may name; their element types are decided by the tensor reader. */
const STORAGE_TYPES = new Set([
  'FloatStorage',
  'HalfStorage',
  'DoubleStorage',
  'BFloat16Storage',
  'LongStorage',
  'IntStorage',
  'ShortStorage',
  'CharStorage',
  'ByteStorage',
  'BoolStorage',
]);

/** Globals that may appear; anything else is refused. */
function isAllowedGlobal(name: string): boolean {
  if (name.startsWith('torch.') && STORAGE_TYPES.has(name.slice('torch.'.length))) return true;
  return [
    'collections.OrderedDict',
    'torch._utils._rebuild_tensor',
    'torch._utils._rebuild_tensor_v2',
    'torch._utils._rebuild_parameter',
    'torch._utils._rebuild_parameter_with_state',
    '_codecs.encode',
    'builtins.set',
    'builtins.frozenset',
    'numpy.core.multiarray.scalar',
    'numpy.dtype',
  ].includes(name);
}

export type PersistentLoad = (pid: unknown) => unknown;

export interface UnpickleResult {
  value: unknown;
  /** Offset just after the STOP opcode (legacy checkpoints hold several pickles in a row). */
  end: number;
}

function unsafe(name: string, where: string): FieldmarkError {
  return new FieldmarkError(
    'UnsafeCheckpoint',
    `${where}: refusing the global "${name}": a state-dict checkpoint only needs tensors, storages and plain containers`,
  );
}

function toNumber(value: unknown, what: string, where: string): number {
  if (typeof value === 'number') return value;
  if (
    typeof value === 'bigint' &&
    value <= BigInt(Number.MAX_SAFE_INTEGER) &&
    value >= -BigInt(Number.MAX_SAFE_INTEGER)
  )
    return Number(value);
  throw new FieldmarkError('CheckpointInvalid', `${where}: expected an integer for ${what}, received ${String(value)}`);
}

function numberList(value: unknown, what: string, where: string): number[] {
  if (!Array.isArray(value)) throw new FieldmarkError('CheckpointInvalid', `${where}: expected a tuple for ${what}`);
  return value.map((v) => toNumber(v, what, where));
}

/** Emulates calling an allowed global with `args` (REDUCE / NEWOBJ). */
function callGlobal(callee: unknown, args: unknown, where: string): unknown {
  if (!(callee instanceof PyGlobal))
    throw new FieldmarkError('CheckpointInvalid', `${where}: REDUCE on a value that is not a global`);
  const list = Array.isArray(args) ? args : [];
  switch (callee.name) {
    case 'collections.OrderedDict': {
      const dict = new PyDict();
      const items = list[0];
      if (Array.isArray(items)) for (const pair of items) if (Array.isArray(pair)) dict.map.set(pair[0], pair[1]);
      return dict;
    }
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const storage = list[0] as StorageRef;
      if (!storage || storage.kind !== 'storage')
        throw new FieldmarkError('CheckpointInvalid', `${where}: a tensor without a storage`);
      return {
        kind: 'tensor',
        storage,
        offset: toNumber(list[1], 'storage offset', where),
        shape: numberList(list[2], 'tensor size', where),
        stride: numberList(list[3], 'tensor stride', where),
      } satisfies TensorRef;
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return list[0];
    case '_codecs.encode':
      return Uint8Array.from(String(list[0] ?? ''), (c) => c.charCodeAt(0) & 0xff);
    case 'builtins.set':
    case 'builtins.frozenset':
      return new Set(Array.isArray(list[0]) ? list[0] : []);
    default:
      return new PyOpaque(callee.name, list);
  }
}

const decoder = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/**
 * Reads one pickle starting at `start`.
 * @throws FieldmarkError UnsafeCheckpoint for a global outside the allow-list, CheckpointInvalid for malformed data.
 */
export function unpickle(
  data: Uint8Array,
  start: number,
  persistentLoad: PersistentLoad,
  where: string,
): UnpickleResult {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = start;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const fail = (message: string) =>
    new FieldmarkError('CheckpointInvalid', `${where}: ${message} (pickle byte ${pos})`);
  const need = (count: number) => {
    if (count < 0 || pos + count > data.byteLength) throw fail(`truncated pickle: ${count} bytes needed`);
  };
  const u8 = () => (need(1), data[pos++] as number);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const u64 = () => {
    need(8);
    const value = view.getBigUint64(pos, true);
    pos += 8;
    if (value > BigInt(data.byteLength)) throw fail('length larger than the file');
    return Number(value);
  };
  const bytes = (count: number) => (need(count), (pos += count), data.subarray(pos - count, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw fail('unterminated text line');
    const text = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0) throw fail('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const items = stack;
    const previous = metastack.pop();
    if (!previous) throw fail('no MARK on the stack');
    stack = previous;
    return items;
  };
  const littleEndianInt = (raw: Uint8Array): number | bigint => {
    if (raw.byteLength === 0) return 0;
    let value = 0n;
    for (let i = raw.byteLength - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(raw[i] as number);
    if ((raw[raw.byteLength - 1] as number) & 0x80) value -= 1n << BigInt(raw.byteLength * 8);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  const global = (name: string) => {
    if (!isAllowedGlobal(name)) throw unsafe(name, where);
    return new PyGlobal(name);
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof PyDict)) throw fail('SETITEM(S) on a value that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.map.set(items[i], items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target)) throw fail('APPEND(S) on a value that is not a list');
    target.push(...items);
  };

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        need(8);
        pos += 8;
        break; // FRAME: a length only; framing is transparent
      case 0x2e:
        return { value: pop(), end: pos }; // STOP
      case 0x28:
        metastack.push(stack);
        stack = [];
        break; // MARK
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4a:
        stack.push(i32());
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(littleEndianInt(bytes(u8())));
        break; // LONG1
      case 0x8b:
        stack.push(littleEndianInt(bytes(u32())));
        break; // LONG4
      case 0x49: {
        // INT (protocol 0): also encodes booleans as 00/01
        const text = line();
        stack.push(text === '01' ? true : text === '00' ? false : Number.parseInt(text, 10));
        break;
      }
      case 0x4c:
        stack.push(BigInt(line().replace(/L$/, '')));
        break; // LONG
      case 0x46:
        stack.push(Number.parseFloat(line()));
        break; // FLOAT
      case 0x47:
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break; // BINFLOAT (big-endian)
      case 0x58:
        stack.push(decoder.decode(bytes(u32())));
        break; // BINUNICODE
      case 0x8c:
        stack.push(decoder.decode(bytes(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(decoder.decode(bytes(u64())));
        break; // BINUNICODE8
      case 0x56:
        stack.push(line());
        break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x54:
        stack.push(latin1.decode(bytes(i32())));
        break; // BINSTRING (Python 2 str)
      case 0x55:
        stack.push(latin1.decode(bytes(u8())));
        break; // SHORT_BINSTRING
      case 0x53:
        stack.push(line().replace(/^'(.*)'$|^"(.*)"$/, '$1$2'));
        break; // STRING
      case 0x42:
        stack.push(bytes(u32()).slice());
        break; // BINBYTES
      case 0x43:
        stack.push(bytes(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x8e:
        stack.push(bytes(u64()).slice());
        break; // BINBYTES8
      case 0x96:
        stack.push(bytes(u64()).slice());
        break; // BYTEARRAY8
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x7d:
        stack.push(new PyDict());
        break; // EMPTY_DICT
      case 0x8f:
        stack.push(new Set());
        break; // EMPTY_SET
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      } // TUPLE3
      case 0x74:
      case 0x6c: {
        const items = popMark();
        stack.push(items);
        break;
      } // TUPLE, LIST (pop before touching `stack`)
      case 0x91: {
        const items = popMark();
        stack.push(new Set(items));
        break;
      } // FROZENSET
      case 0x64: {
        const dict = new PyDict();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      } // DICT
      case 0x61: {
        const value = pop();
        appendItems(top(), [value]);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        appendItems(top(), items);
        break;
      } // APPENDS
      case 0x73: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x90: {
        const items = popMark();
        const target = top();
        if (target instanceof Set) items.forEach((i) => target.add(i));
        break;
      } // ADDITEMS
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x70:
        memo.set(Number.parseInt(line(), 10), top());
        break; // PUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a:
      case 0x67: {
        // BINGET, LONG_BINGET, GET
        const index = opcode === 0x68 ? u8() : opcode === 0x6a ? u32() : Number.parseInt(line(), 10);
        if (!memo.has(index)) throw fail(`memo entry ${index} is missing`);
        stack.push(memo.get(index));
        break;
      }
      case 0x63: {
        const module = line();
        stack.push(global(`${module}.${line()}`));
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop();
        const module = pop();
        stack.push(global(`${String(module)}.${String(name)}`));
        break;
      } // STACK_GLOBAL
      case 0x52: {
        const args = pop();
        stack.push(callGlobal(pop(), args, where));
        break;
      } // REDUCE
      case 0x81: {
        const args = pop();
        stack.push(callGlobal(pop(), args, where));
        break;
      } // NEWOBJ
      case 0x62: {
        // BUILD: set the state of an inert object; tensors' state (hooks) is ignored
        const state = pop();
        const target = top();
        if (target instanceof PyOpaque) target.state = state;
        break;
      }
      case 0x51:
        stack.push(persistentLoad(pop()));
        break; // BINPERSID
      case 0x50:
        stack.push(persistentLoad(line()));
        break; // PERSID
      default:
        // INST, OBJ, NEWOBJ_EX, EXT1-4, NEXT_BUFFER ... construct arbitrary objects: never allowed.
        throw new FieldmarkError(
          'UnsafeCheckpoint',
          `${where}: refusing pickle opcode 0x${opcode.toString(16)} at byte ${pos - 1}: not needed by a state dict`,
        );
    }
  }
}

export function isTensorRef(value: unknown): value is TensorRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}

/** Builds a StorageRef from a persistent id `('storage', storage_type, key, location, numel, ...)`. */
export function storageFromPersistentId(pid: unknown, where: string): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof PyGlobal)) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: unexpected persistent id ${JSON.stringify(Array.isArray(pid) ? pid[0] : typeof pid)}`,
    );
  }
  const storageType = pid[1].name.replace(/^torch\./, '');
  return {
    kind: 'storage',
    storageType,
    key: String(pid[2]),
    location: String(pid[3]),
    numel: toNumber(pid[4], 'storage size', where),
  };
}
