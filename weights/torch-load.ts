// Reads a state_dict written by torch.save (the zip format of PyTorch >= 1.6) without Python:
// `<name>/data.pkl` is a pickle whose tensors are
//   torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)
// with `storage` a persistent id ('storage', torch.FloatStorage, key, 'cpu', numel) naming the
// raw little-endian bytes in `<name>/data/<key>`. Only these callables are allowed; anything
// else in the pickle is an error, so a malicious file cannot make this code do more.

import { CuganError } from '../src/runtime/errors.js';
import { decodeF16 } from './float16.js';
import { PyGlobal, unpickle, type PyValue } from './pickle.js';
import { readZip } from './zip-reader.js';

export type TorchDType = 'float32' | 'float16' | 'float64' | 'bfloat16' | 'int64' | 'int32' | 'uint8' | 'bool';

const STORAGE_DTYPE: Record<string, [TorchDType, number]> = {
  FloatStorage: ['float32', 4],
  HalfStorage: ['float16', 2],
  DoubleStorage: ['float64', 8],
  BFloat16Storage: ['bfloat16', 2],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  ByteStorage: ['uint8', 1],
  BoolStorage: ['bool', 1],
};

class StorageRef {
  constructor(readonly dtype: TorchDType, readonly elementBytes: number, readonly bytes: Uint8Array, readonly key: string) {}
  get numel(): number {
    return this.bytes.byteLength / this.elementBytes;
  }
}

export class TorchTensor {
  constructor(
    readonly dtype: TorchDType,
    readonly shape: number[],
    /** The tensor's own bytes (contiguous, little-endian), `numel * element size` long. */
    readonly bytes: Uint8Array,
  ) {}

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** The values as float32 (exact for float16 / bfloat16; rounded for float64); undefined for integer tensors. */
  toFloat32(): Float32Array | undefined {
    const n = this.numel;
    const dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const out = new Float32Array(n);
    switch (this.dtype) {
      case 'float32':
        // Copy the bytes: the storage inside the zip need not be 4-byte aligned.
        new Uint8Array(out.buffer).set(this.bytes);
        if (!LITTLE_ENDIAN) for (let k = 0; k < n; k++) out[k] = dv.getFloat32(4 * k, true);
        return out;
      case 'float16':
        return decodeF16(this.bytes, 0, n);
      case 'bfloat16': {
        // bfloat16 is the top half of a float32.
        const bits = new Uint32Array(out.buffer);
        for (let k = 0; k < n; k++) bits[k] = dv.getUint16(2 * k, true) << 16;
        return out;
      }
      case 'float64':
        for (let k = 0; k < n; k++) out[k] = dv.getFloat64(8 * k, true);
        return out;
      default:
        return undefined;
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A short, safe description of a pickled tuple for messages (pickles can hold cycles). */
const describe = (v: PyValue): string =>
  Array.isArray(v) ? `(${v.slice(0, 8).map((x) => (typeof x === 'number' ? String(x) : typeof x)).join(', ')}${v.length > 8 ? ', ...' : ''})` : typeof v;

const isInt = (v: PyValue): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Loads the state_dict (or any dict of tensors) of a torch.save zip. `source` names the file in errors. */
export function loadTorchZip(buf: Uint8Array, source = '.pth'): Map<string, PyValue> {
  const bad = (what: string): never => {
    throw new CuganError('WEIGHTS_CORRUPT', `${source}: ${what}`);
  };
  // A zip that is not a torch file, or a pre-1.6 torch file (a bare pickle), fails here.
  if (buf.byteLength < 4 || buf[0] !== 0x50 || buf[1] !== 0x4b) {
    bad('not a zip file (a PyTorch .pth saved by torch.save >= 1.6 is a zip; legacy pickle-only .pth files are not supported)');
  }
  const zip = readZip(buf, source);
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) bad(`expected one "<name>/data.pkl" in the zip, found ${pkls.length}`);
  const prefix = pkls[0]!.slice(0, -'/data.pkl'.length);
  if (zip.entries.has(`${prefix}/byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}/byteorder`)).trim();
    if (order !== 'little') bad(`byte order "${order}" is not supported`);
  }

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: PyValue): PyValue => {
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') return bad('unexpected persistent id in data.pkl');
    const [, type, key, , numel] = pid as PyValue[];
    if (!(type instanceof PyGlobal) || type.module !== 'torch' || !Object.hasOwn(STORAGE_DTYPE, type.name)) {
      return bad(`unsupported storage type ${type instanceof PyGlobal ? type.qualified : typeof type}`);
    }
    if (typeof key !== 'string' || !isInt(numel!)) return bad('bad storage key or size in data.pkl');
    const [dtype, el] = STORAGE_DTYPE[type.name]!;
    const cached = storages.get(key);
    if (cached) return cached;
    const entry = `${prefix}/data/${key}`;
    if (!zip.entries.has(entry)) bad(`storage "${entry}" is missing from the zip`);
    const bytes = zip.read(entry);
    if (bytes.byteLength !== numel * el) bad(`storage "${entry}" has ${bytes.byteLength} bytes, expected ${numel} x ${el}`);
    const ref = new StorageRef(dtype, el, bytes, key);
    storages.set(key, ref);
    return ref;
  };

  const rebuildTensor = (args: PyValue[]): TorchTensor => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof StorageRef) || !isInt(offset!) || !Array.isArray(size) || !Array.isArray(stride)) {
      return bad('malformed _rebuild_tensor_v2 arguments');
    }
    if (size.length !== stride.length || size.length > 8 || !size.every(isInt) || !stride.every(isInt)) {
      return bad(`bad tensor size ${describe(size)} / stride ${describe(stride)} in storage ${storage.key}`);
    }
    const shape = size as number[];
    const numel = shape.reduce((a, b) => a * b, 1);
    // Contiguous (row-major) is what torch.save of a state_dict gives; anything else is unexpected.
    let expect = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (shape[d]! > 1 && stride[d] !== expect) {
        bad(`tensor in storage ${storage.key} with size ${describe(shape)} has non-contiguous stride ${describe(stride)}`);
      }
      expect *= shape[d]!;
    }
    if (offset + numel > storage.numel) {
      bad(`tensor ${describe(shape)} at offset ${offset} runs past its storage ${storage.key} (${storage.numel} elements)`);
    }
    const el = storage.elementBytes;
    return new TorchTensor(storage.dtype, shape, storage.bytes.subarray(offset * el, (offset + numel) * el));
  };

  const result = unpickle(
    zip.read(pkls[0]!),
    {
      persistentLoad,
      reduce(callable, args) {
        const name = callable instanceof PyGlobal ? callable.qualified : '(not a global)';
        switch (name) {
          case 'torch._utils._rebuild_tensor_v2':
          case 'torch._utils._rebuild_tensor':
            return rebuildTensor(args);
          case 'torch._utils._rebuild_parameter':
            return args[0] instanceof TorchTensor ? args[0] : bad('_rebuild_parameter without a tensor');
          case 'collections.OrderedDict':
            return new Map();
          default:
            return bad(`data.pkl calls ${name}, which a state_dict does not need`);
        }
      },
      // OrderedDict state (its `_metadata`) is irrelevant to the weights.
      build: (obj) => obj,
    },
    `${source} (${pkls[0]})`,
  );
  if (!(result instanceof Map)) bad('data.pkl does not hold a dict (not a state_dict)');
  const out = new Map<string, PyValue>();
  for (const [k, v] of result as Map<PyValue, PyValue>) {
    if (typeof k !== 'string') bad('state_dict key that is not a string');
    out.set(k as string, v);
  }
  return out;
}
