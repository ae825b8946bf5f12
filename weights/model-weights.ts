// The converter's in-memory model: both readers (ncnn, PyTorch) produce this and the packed
// writer consumes it, so "same model from either format gives the same bytes" reduces to both
// readers producing the same arrays. Weights are kept in PyTorch's layout (torchWeightShape).

import { CuganError } from '../src/runtime/errors.js';
import { findModel, layerSpecs, torchWeightShape, type LayerSpec, type ModelInfo } from '../src/runtime/model/architecture.js';

export interface LayerWeights {
  spec: LayerSpec;
  /** PyTorch layout: Conv2d [out][in][k][k], ConvTranspose2d [in][out][k][k], SE fc [out][in][1][1]. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface ModelWeights {
  model: ModelInfo;
  /** One entry per `layerSpecs(model)`, in that order. */
  layers: LayerWeights[];
  /** Where the weights came from (file names), for messages. */
  source: string;
}

/** The released model `id`, or MODEL_UNKNOWN naming `source`. */
export function resolveModel(id: string, source: string): ModelInfo {
  const model = findModel(id);
  if (!model) {
    throw new CuganError('MODEL_UNKNOWN', `${source}: model id "${id}" is not a released Real-CUGAN model (expected e.g. "se/up2x-conservative")`);
  }
  return model;
}

export const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Checks that `layers` matches the architecture exactly (count, specs, array lengths). The
 * readers check as they go; this is the last line of defence before bytes are written.
 */
export function checkModelWeights(w: ModelWeights): void {
  const specs = layerSpecs(w.model);
  if (w.layers.length !== specs.length) {
    throw new CuganError('WEIGHTS_SHAPE', `${w.source}: ${w.layers.length} layers, model "${w.model.id}" has ${specs.length}`);
  }
  specs.forEach((spec, n) => {
    const l = w.layers[n]!;
    const wantW = elementCount(torchWeightShape(spec));
    if (l.spec.name !== spec.name || l.weight.length !== wantW || l.bias.length !== spec.outC) {
      throw new CuganError(
        'WEIGHTS_SHAPE',
        `${w.source}: layer ${n} "${l.spec.name}" has ${l.weight.length} weights + ${l.bias.length} biases, ` +
          `expected "${spec.name}" with ${wantW} (${shapeText(torchWeightShape(spec))}) + ${spec.outC}`,
      );
    }
  });
}
