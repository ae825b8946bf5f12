// Reads an official Real-CUGAN PyTorch state_dict (.pth) into the converter's in-memory model.
// Keys are `<layer>.weight` / `<layer>.bias` for every LayerSpec, already in PyTorch layout;
// pro models carry an extra key `pro`. Every tensor's shape is checked against the
// architecture, and missing or unexpected keys are errors, so a wrong file never converts.

import { CuganError } from '../src/runtime/errors.js';
import { layerSpecs, torchWeightShape, type ModelInfo } from '../src/runtime/model/architecture.js';
import { familyOf, idFromPthName } from './model-id.js';
import { resolveModel, shapeText, type LayerWeights, type ModelWeights } from './model-weights.js';
import type { PyValue } from './pickle.js';
import { loadTorchZip, TorchTensor } from './torch-load.js';

export interface PthReadOptions {
  /** The model id; by default derived from `source`'s file name (official .pth names). */
  id?: string;
  /** The file name, for the id and for messages. */
  source?: string;
}

/** The model a .pth holds, from the `id` option or the official file name. */
export function pthModel(opts: PthReadOptions): ModelInfo {
  const source = opts.source ?? '.pth';
  const id = opts.id ?? idFromPthName(source);
  if (id === undefined) {
    throw new CuganError(
      'MODEL_UNKNOWN',
      `${source}: cannot tell the model from the file name (expected an official name such as ` +
        `up2x-latest-conservative.pth or pro-denoise3x-up3x.pth); pass the model id explicitly`,
    );
  }
  return resolveModel(id, source);
}

export function readPthModel(buf: Uint8Array, opts: PthReadOptions = {}): ModelWeights {
  const source = opts.source ?? '.pth';
  const model = pthModel(opts);
  const dict = loadTorchZip(buf, source);
  const shapeError = (what: string): never => {
    throw new CuganError('WEIGHTS_SHAPE', `${source}: ${what} (model "${model.id}")`);
  };

  // The `pro` key is how the official code tells pro models apart; it must agree with the id.
  const hasPro = dict.has('pro');
  if (hasPro !== model.pro) {
    shapeError(
      hasPro
        ? `has a "pro" key (a pro model) but "${model.id}" is a ${familyOf(model.id)} model`
        : `has no "pro" key, so it is not a pro model, but "${model.id}" is one`,
    );
  }
  const specs = layerSpecs(model);
  const expected = new Set(specs.flatMap((s) => [`${s.name}.weight`, `${s.name}.bias`]));
  if (hasPro) expected.add('pro');
  const unexpected = [...dict.keys()].filter((k) => !expected.has(k));
  if (unexpected.length > 0) {
    shapeError(`unexpected key${unexpected.length > 1 ? 's' : ''} ${unexpected.slice(0, 5).map((k) => `"${k}"`).join(', ')}${unexpected.length > 5 ? ', ...' : ''}`);
  }

  const tensor = (key: string, shape: number[]): Float32Array => {
    const t: PyValue | undefined = dict.get(key);
    if (t === undefined) return shapeError(`missing key "${key}", expected a tensor of shape ${shapeText(shape)}`);
    if (!(t instanceof TorchTensor)) {
      throw new CuganError('WEIGHTS_CORRUPT', `${source}: "${key}" is not a tensor`);
    }
    if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
      shapeError(`"${key}" has shape ${shapeText(t.shape)}, expected ${shapeText(shape)}`);
    }
    const values = t.toFloat32();
    if (!values) throw new CuganError('WEIGHTS_CORRUPT', `${source}: "${key}" holds ${t.dtype}, expected a floating-point tensor`);
    return values;
  };
  const layers: LayerWeights[] = specs.map((spec) => ({
    spec,
    weight: tensor(`${spec.name}.weight`, torchWeightShape(spec)),
    bias: tensor(`${spec.name}.bias`, [spec.outC]),
  }));
  return { model, layers, source };
}
