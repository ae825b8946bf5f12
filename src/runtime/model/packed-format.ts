// The packed model format (`.cugan`): what the converter writes and the runtime reads.
// Little-endian throughout. Layout (see docs/packed-format.md):
//   header (128 bytes) | layer table (64 bytes per layer) | data (each tensor 256-byte aligned)
// The header carries a CRC-32 of the rest of the file, checked on every read: a damaged file is
// WEIGHTS_CORRUPT whether or not a manifest (SHA-256) stands beside it.
// Conv and deconv weights are stored the way the WGSL kernels read them: blocks of 4 output x
// 4 input channels as a mat4x4 whose column j holds input channel j for 4 output channels,
// ordered [oc4][ky][kx][ic4]; channels are zero-padded to multiples of 4. Deconv weights use the
// same order with `oc` the transposed conv's output channel (no spatial flip). Biases are f32
// vec4 per oc4. SE (fc) weights are f32 [out][in] rows, their biases f32 [out].

import { CuganError } from '../errors.js';
import { crc32 } from './crc32.js';
import {
  findModel,
  layerSpecs,
  type LayerKind,
  type LayerSpec,
  type ModelInfo,
} from './architecture.js';

export const PACKED_MAGIC = 'CUGANWGT';
/** Version 2 added the checksum; version 1 files (no checksum) are refused with a re-convert message. */
export const PACKED_VERSION = 2;
export const HEADER_BYTES = 128;
/** Byte offset of the header's CRC-32 (of every byte of the file but these four). */
export const CHECKSUM_OFFSET = 64;
export const TABLE_ENTRY_BYTES = 64;
export const DATA_ALIGN = 256;
export const NAME_BYTES = 40;
export const ID_BYTES = 24;

export type WeightDType = 'f32' | 'f16';
export const DTYPE_CODE: Record<WeightDType, number> = { f32: 1, f16: 2 };
export const KIND_CODE: Record<LayerKind, number> = { conv: 1, deconv: 2, fc: 3 };

export interface PackedLayer {
  spec: LayerSpec;
  /** Byte offset of the weights inside `data` (256-aligned). */
  weightOffset: number;
  weightBytes: number;
  /** Byte offset of the bias inside `data` (256-aligned). */
  biasOffset: number;
  biasBytes: number;
}

export interface PackedModel {
  version: number;
  dtype: WeightDType;
  model: ModelInfo;
  layers: PackedLayer[];
  /** The data section: uploaded to the GPU as one buffer and bound at the layers' offsets. */
  data: Uint8Array;
}

export const align = (n: number, a = DATA_ALIGN): number => Math.ceil(n / a) * a;
export const ceil4 = (n: number): number => Math.ceil(n / 4) * 4;

/** Bytes of a layer's weights in the packed layout. */
export function packedWeightBytes(l: LayerSpec, dtype: WeightDType): number {
  const el = dtype === 'f16' ? 2 : 4;
  if (l.kind === 'fc') return l.outC * l.inC * 4;
  return ceil4(l.outC) * ceil4(l.inC) * l.kernel * l.kernel * el;
}

/** Bytes of a layer's bias in the packed layout. */
export function packedBiasBytes(l: LayerSpec): number {
  return (l.kind === 'fc' ? l.outC : ceil4(l.outC)) * 4;
}

/**
 * Index (in elements) inside a conv/deconv weight block of PyTorch-order weight w[o][i][ky][kx]
 * (for deconv pass o = output channel, i = input channel).
 */
export function packedConvIndex(l: LayerSpec, o: number, i: number, ky: number, kx: number): number {
  const ic4 = ceil4(l.inC) / 4;
  const block = ((Math.floor(o / 4) * l.kernel + ky) * l.kernel + kx) * ic4 + Math.floor(i / 4);
  return block * 16 + (i % 4) * 4 + (o % 4);
}

/** CRC-32 of a packed file, its checksum field left out (bytes 0-63, then 68 to the end). */
export function packedChecksum(buf: Uint8Array): number {
  return crc32(buf.subarray(CHECKSUM_OFFSET + 4), crc32(buf.subarray(0, CHECKSUM_OFFSET)));
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

const ascii = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) {
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
};

/** Parses a `.cugan` file and checks it against the architecture. `source` names it in errors. */
export function readPackedModel(buf: Uint8Array, source = 'packed model'): PackedModel {
  const bad = (what: string): never => {
    throw new CuganError('WEIGHTS_CORRUPT', `${source}: ${what}`);
  };
  if (buf.byteLength < 12) bad(`${buf.byteLength} bytes is too short for a packed model header`);
  const magic = ascii(buf.subarray(0, 8));
  if (magic !== PACKED_MAGIC) bad(`wrong magic "${magic}", expected "${PACKED_MAGIC}" (not a cugan-webgpu model file)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = dv.getUint32(8, true);
  if (version < PACKED_VERSION) {
    bad(`packed format version ${version}, written by an older cugan-weights (without a checksum); this runtime reads version ${PACKED_VERSION}: re-convert the weights with \`npx cugan-weights --out DIR SOURCE…\``);
  }
  if (version > PACKED_VERSION) bad(`packed format version ${version}, newer than this runtime reads (${PACKED_VERSION}): update cugan-webgpu`);
  if (buf.byteLength < HEADER_BYTES) bad(`${buf.byteLength} bytes is too short for a version ${version} header (${HEADER_BYTES})`);
  const dataOffset = dv.getUint32(32, true);
  const dataBytes = dv.getUint32(36, true);
  // The checksum before any other field: a damaged field would be reported as something else.
  const stored = dv.getUint32(CHECKSUM_OFFSET, true);
  const actual = packedChecksum(buf);
  if (stored !== actual) {
    const size = dataOffset + dataBytes === buf.byteLength ? '' : ` (${buf.byteLength} bytes, the header says ${dataOffset + dataBytes}: truncated?)`;
    bad(`damaged${size}: CRC-32 ${hex8(actual)}, the header says ${hex8(stored)}; download or convert it again`);
  }
  const dtypeCode = dv.getUint32(12, true);
  const dtype = (Object.keys(DTYPE_CODE) as WeightDType[]).find((k) => DTYPE_CODE[k] === dtypeCode);
  if (!dtype) return bad(`unknown weight type code ${dtypeCode}`);
  const scale = dv.getUint32(16, true);
  const flags = dv.getUint32(20, true);
  const layerCount = dv.getUint32(24, true);
  const tableOffset = dv.getUint32(28, true);
  const id = ascii(buf.subarray(40, 40 + ID_BYTES));
  const model = findModel(id);
  if (!model) {
    throw new CuganError('MODEL_UNKNOWN', `${source}: model id "${id}" is not a released Real-CUGAN model`);
  }
  const se = (flags & 1) !== 0;
  const pro = (flags & 2) !== 0;
  if (model.scale !== scale || model.se !== se || model.pro !== pro) {
    bad(`header says scale ${scale}, se ${se}, pro ${pro}, which does not match model "${id}"`);
  }
  if (dataOffset + dataBytes !== buf.byteLength) {
    bad(`data section ends at ${dataOffset + dataBytes} but the file has ${buf.byteLength} bytes (truncated?)`);
  }
  const specs = layerSpecs(model);
  if (layerCount !== specs.length) bad(`${layerCount} layers, model "${id}" has ${specs.length}`);
  if (tableOffset + layerCount * TABLE_ENTRY_BYTES > dataOffset) bad('layer table overlaps the data section');
  const layers: PackedLayer[] = specs.map((spec, n) => {
    const e = tableOffset + n * TABLE_ENTRY_BYTES;
    const name = ascii(buf.subarray(e, e + NAME_BYTES));
    const got = {
      kind: dv.getUint8(e + 40),
      kernel: dv.getUint8(e + 41),
      stride: dv.getUint8(e + 42),
      pad: dv.getUint8(e + 43),
      inC: dv.getUint16(e + 44, true),
      outC: dv.getUint16(e + 46, true),
    };
    if (
      name !== spec.name || got.kind !== KIND_CODE[spec.kind] || got.kernel !== spec.kernel ||
      got.stride !== spec.stride || got.pad !== spec.pad || got.inC !== spec.inC || got.outC !== spec.outC
    ) {
      bad(`layer ${n} is "${name}" ${JSON.stringify(got)}, expected "${spec.name}" ${spec.kind} ${spec.inC}->${spec.outC} k${spec.kernel}`);
    }
    const layer: PackedLayer = {
      spec,
      weightOffset: dv.getUint32(e + 48, true),
      weightBytes: dv.getUint32(e + 52, true),
      biasOffset: dv.getUint32(e + 56, true),
      biasBytes: dv.getUint32(e + 60, true),
    };
    const wantW = packedWeightBytes(spec, dtype);
    const wantB = packedBiasBytes(spec);
    if (layer.weightBytes !== wantW || layer.biasBytes !== wantB) {
      bad(`layer "${spec.name}" holds ${layer.weightBytes}+${layer.biasBytes} bytes, expected ${wantW}+${wantB}`);
    }
    for (const [off, len] of [[layer.weightOffset, wantW], [layer.biasOffset, wantB]] as const) {
      if (off % DATA_ALIGN !== 0 || off + len > dataBytes) bad(`layer "${spec.name}" points outside the data section`);
    }
    return layer;
  });
  return { version, dtype, model, layers, data: buf.subarray(dataOffset, dataOffset + dataBytes) };
}
