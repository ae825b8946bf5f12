// Reads a Real-CUGAN model in ncnn's format (.param text graph + .bin weights, as released by
// realcugan-ncnn-vulkan) into the converter's in-memory model (PyTorch layout).
// Only Convolution, Deconvolution and InnerProduct layers carry data; they appear in the .bin in
// .param order and map one to one, in order, onto layerSpecs(variant). Every layer's parameters
// are checked against the architecture so a wrong or damaged file fails here, not on the GPU.

import { CuganError } from '../src/runtime/errors.js';
import { layerSpecs, type LayerKind, type LayerSpec, type ModelInfo } from '../src/runtime/model/architecture.js';
import { decodeF16 } from './float16.js';
import { resolveModel, shapeText, type LayerWeights, type ModelWeights } from './model-weights.js';

export const NCNN_MAGIC = 7767517;
/** .bin tag before float16 weight data (every released model uses it). */
export const NCNN_TAG_F16 = 0x01306b47;
/** .bin tag before raw float32 weight data. */
export const NCNN_TAG_F32 = 0;

export type NcnnParamValue = number | number[];

export interface NcnnLayer {
  type: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** key -> value; array params (written `-233xx=n,v1,...`) are stored under their plain id xx. */
  params: Map<number, NcnnParamValue>;
  /** 1-based line in the .param file, for messages. */
  line: number;
}

const DATA_KIND: Record<string, LayerKind> = { Convolution: 'conv', Deconvolution: 'deconv', InnerProduct: 'fc' };
const NCNN_TYPE: Record<LayerKind, string> = { conv: 'Convolution', deconv: 'Deconvolution', fc: 'InnerProduct' };

const corrupt = (source: string, what: string): never => {
  throw new CuganError('WEIGHTS_CORRUPT', `${source}: ${what}`);
};

function parseNumber(text: string, source: string, line: number): number {
  // ncnn writes ints as ints and floats with '.' or an exponent; Number() accepts both, but
  // also '', 'Infinity', hex... so insist on a plain decimal literal (a regex that cannot backtrack badly).
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) corrupt(source, `line ${line}: "${text.slice(0, 40)}" is not a number`);
  return Number(text);
}

/** Parses ncnn's .param text. Checks the syntax only; the architecture check is in readNcnnModel. */
export function parseNcnnParam(param: Uint8Array | string, source = '.param'): NcnnLayer[] {
  const text = typeof param === 'string' ? param : new TextDecoder('utf-8').decode(param);
  const lines = text.split(/\r?\n/);
  const words = (n: number): string[] => (lines[n] ?? '').trim().split(/\s+/).filter((w) => w !== '');
  const magic = words(0)[0];
  if (magic !== String(NCNN_MAGIC)) corrupt(source, `wrong magic "${(magic ?? '').slice(0, 20)}", expected ${NCNN_MAGIC} (not an ncnn .param file)`);
  const counts = words(1);
  if (counts.length !== 2 || !counts.every((c) => /^\d+$/.test(c))) corrupt(source, 'line 2 should hold the layer and blob counts');
  const layerCount = Number(counts[0]);
  const layers: NcnnLayer[] = [];
  for (let n = 2; n < lines.length; n++) {
    const w = words(n);
    if (w.length === 0) continue;
    const line = n + 1;
    if (w.length < 4) corrupt(source, `line ${line}: a layer needs type, name, input and output counts`);
    const [type, name, nin, nout] = w as [string, string, string, string];
    if (!/^\d+$/.test(nin) || !/^\d+$/.test(nout)) corrupt(source, `line ${line}: bad blob counts "${nin} ${nout}"`);
    const ni = Number(nin);
    const no = Number(nout);
    if (4 + ni + no > w.length) corrupt(source, `line ${line}: layer "${name}" lists fewer blobs than ${ni} + ${no}`);
    const params = new Map<number, NcnnParamValue>();
    for (const kv of w.slice(4 + ni + no)) {
      const m = /^(-?\d+)=(.*)$/.exec(kv);
      if (!m) return corrupt(source, `line ${line}: "${kv.slice(0, 40)}" is not key=value`);
      const key = Number(m[1]);
      if (key <= -23300) {
        // Array param: -23300-id = count,v1,...,vcount
        const items = m[2]!.split(',');
        const count = parseNumber(items[0]!, source, line);
        if (count !== items.length - 1) corrupt(source, `line ${line}: array ${key} announces ${count} items and has ${items.length - 1}`);
        params.set(-23300 - key, items.slice(1).map((v) => parseNumber(v, source, line)));
      } else {
        params.set(key, parseNumber(m[2]!, source, line));
      }
    }
    layers.push({ type, name, inputs: w.slice(4, 4 + ni), outputs: w.slice(4 + ni, 4 + ni + no), params, line });
  }
  if (layers.length !== layerCount) corrupt(source, `header announces ${layerCount} layers but ${layers.length} follow`);
  return layers;
}

/** The parameters that must match the architecture, read with ncnn's defaults. */
function layerParams(l: NcnnLayer, source: string) {
  const int = (key: number, dflt: number): number => {
    const v = l.params.get(key) ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) corrupt(source, `line ${l.line}: layer "${l.name}" param ${key} should be an integer`);
    return v as number;
  };
  if (l.type === 'InnerProduct') {
    return { numOutput: int(0, 0), kernel: 1, stride: 1, pad: 0, bias: int(1, 0), dataSize: int(2, 0), other: int(8, 0) };
  }
  const kernel = int(1, 0);
  const stride = int(3, 1);
  const pad = int(4, 0);
  // Non-square kernels, dilation, asymmetric or output padding and int8 do not occur in
  // Real-CUGAN: fold them into one "other" value that must be 0.
  const odd =
    Number(int(11, kernel) !== kernel) + Number(int(13, stride) !== stride) + Number(int(2, 1) !== 1) +
    Number(int(12, 1) !== 1) + Number(int(14, pad) !== pad) + Number(int(15, pad) !== pad) +
    Number(int(16, pad) !== pad) + Number(int(8, 0) !== 0) + Number(int(18, 0) !== 0) + Number(int(19, 0) !== 0);
  return { numOutput: int(0, 0), kernel, stride, pad, bias: int(5, 0), dataSize: int(6, 0), other: odd };
}

function checkLayer(l: NcnnLayer, spec: LayerSpec, index: number, source: string): void {
  const p = layerParams(l, source);
  const wantSize = spec.outC * spec.inC * spec.kernel * spec.kernel;
  const ok =
    l.type === NCNN_TYPE[spec.kind] && p.numOutput === spec.outC && p.kernel === spec.kernel && p.stride === spec.stride &&
    p.pad === spec.pad && p.dataSize === wantSize && p.bias === 1 && p.other === 0;
  if (ok) return;
  const k2 = p.kernel * p.kernel;
  const inFound = p.numOutput > 0 && k2 > 0 ? p.dataSize / (p.numOutput * k2) : NaN;
  const found = [p.numOutput, Number.isInteger(inFound) ? inFound : '?', p.kernel, p.kernel];
  throw new CuganError(
    'WEIGHTS_SHAPE',
    `${source}: data layer ${index} "${l.name}" (line ${l.line}, ${spec.name}) is ${l.type} ` +
      `num_output=${p.numOutput} kernel=${p.kernel} stride=${p.stride} pad=${p.pad} bias_term=${p.bias} weight_data_size=${p.dataSize}` +
      `${p.other ? ' with unsupported options' : ''} (ncnn weight shape ${shapeText(found as number[])}), expected ${NCNN_TYPE[spec.kind]} ` +
      `num_output=${spec.outC} kernel=${spec.kernel} stride=${spec.stride} pad=${spec.pad} bias_term=1 weight_data_size=${wantSize} ` +
      `(${shapeText([spec.outC, spec.inC, spec.kernel, spec.kernel])})`,
  );
}

/** ncnn [out][in][k][k] -> PyTorch ConvTranspose2d [in][out][k][k]: swap the first two axes. */
function deconvToTorch(w: Float32Array, spec: LayerSpec): Float32Array {
  const kk = spec.kernel * spec.kernel;
  const out = new Float32Array(w.length);
  for (let o = 0; o < spec.outC; o++) {
    for (let i = 0; i < spec.inC; i++) out.set(w.subarray((o * spec.inC + i) * kk, (o * spec.inC + i + 1) * kk), (i * spec.outC + o) * kk);
  }
  return out;
}

/**
 * Reads a model from its .param and .bin bytes. `model` (or its id) says which released model the
 * files hold (ncnn files cannot tell se from pro); `names` label the files in error messages.
 */
export function readNcnnModel(
  param: Uint8Array | string,
  bin: Uint8Array,
  model: ModelInfo | string,
  names: { param: string; bin: string } = { param: '.param', bin: '.bin' },
): ModelWeights {
  const info = typeof model === 'string' ? resolveModel(model, names.param) : model;
  const specs = layerSpecs(info);
  const dataLayers = parseNcnnParam(param, names.param).filter((l) => Object.hasOwn(DATA_KIND, l.type));
  for (let n = 0; n < Math.min(specs.length, dataLayers.length); n++) checkLayer(dataLayers[n]!, specs[n]!, n, names.param);
  if (dataLayers.length !== specs.length) {
    throw new CuganError(
      'WEIGHTS_SHAPE',
      `${names.param}: ${dataLayers.length} Convolution/Deconvolution/InnerProduct layers, model "${info.id}" has ${specs.length}` +
        (dataLayers.length < specs.length ? ` (missing from ${specs[dataLayers.length]!.name})` : ''),
    );
  }

  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let pos = 0;
  const need = (bytes: number, what: string): void => {
    if (pos + bytes > bin.byteLength) {
      corrupt(names.bin, `truncated: ${what} should be at bytes ${pos}..${pos + bytes} but the file has ${bin.byteLength} (model "${info.id}")`);
    }
  };
  const layers: LayerWeights[] = specs.map((spec, n) => {
    const count = spec.outC * spec.inC * spec.kernel * spec.kernel;
    need(4, `the tag of ${spec.name}`);
    const tag = dv.getUint32(pos, true);
    let weight: Float32Array;
    if (tag === NCNN_TAG_F16) {
      pos += 4;
      const bytes = Math.ceil((count * 2) / 4) * 4; // ncnn pads f16 data to 4 bytes
      need(bytes, `the float16 weights of ${spec.name}`);
      weight = decodeF16(bin, pos, count);
      pos += bytes;
    } else if (tag === NCNN_TAG_F32) {
      pos += 4;
      need(count * 4, `the float32 weights of ${spec.name}`);
      weight = new Float32Array(count);
      for (let k = 0; k < count; k++) weight[k] = dv.getFloat32(pos + 4 * k, true);
      pos += count * 4;
    } else {
      return corrupt(
        names.bin,
        `bad tag 0x${tag.toString(16).padStart(8, '0')} at byte ${pos} before the weights of ${spec.name} (data layer ${n}), ` +
          `expected 0x${NCNN_TAG_F16.toString(16).padStart(8, '0')} (float16) or 0 (float32)`,
      );
    }
    need(spec.outC * 4, `the bias of ${spec.name}`);
    const bias = new Float32Array(spec.outC);
    for (let k = 0; k < spec.outC; k++) bias[k] = dv.getFloat32(pos + 4 * k, true);
    pos += spec.outC * 4;
    return { spec, weight: spec.kind === 'deconv' ? deconvToTorch(weight, spec) : weight, bias };
  });
  if (pos !== bin.byteLength) {
    corrupt(names.bin, `the layers of "${names.param}" use ${pos} bytes but the file has ${bin.byteLength} (wrong .bin for this .param?)`);
  }
  return { model: info, layers, source: `${names.param} + ${names.bin}` };
}
