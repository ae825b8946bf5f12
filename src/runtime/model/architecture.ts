// The Real-CUGAN networks as data: which models exist, and every parameter tensor each one
// has, in the order both the ncnn .bin and the PyTorch state_dict store them.
// No GPU here: the converter checks shapes against this and the runtime builds its graph from it.

export type Scale = 2 | 3 | 4;

/** What distinguishes the released models: the graph depends on scale and se, the I/O maps on pro. */
export interface ModelVariant {
  scale: Scale;
  /** false for models-nose: every squeeze-excitation block removed. */
  se: boolean;
  /** models-pro: input x/(255/0.7)+0.15, output (y-0.15)*(255/0.7). */
  pro: boolean;
}

export interface ModelInfo extends ModelVariant {
  /** e.g. `se/up2x-conservative`: the ncnn folder without `models-`, then the file name. */
  id: string;
  /** `no-denoise`, `conservative`, `denoise1x`, ... */
  denoise: string;
}

/** conv: Conv2d; deconv: ConvTranspose2d; fc: a 1x1 conv on a 1x1 map (SE blocks). */
export type LayerKind = 'conv' | 'deconv' | 'fc';

export interface LayerSpec {
  /** PyTorch state_dict prefix, e.g. `unet2.conv3.seblock.conv1` (keys add `.weight`/`.bias`). */
  name: string;
  kind: LayerKind;
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  pad: number;
}

const DENOISE_LEVELS: Record<string, Record<Scale, string[]>> = {
  se: {
    2: ['no-denoise', 'conservative', 'denoise1x', 'denoise2x', 'denoise3x'],
    3: ['no-denoise', 'conservative', 'denoise3x'],
    4: ['no-denoise', 'conservative', 'denoise3x'],
  },
  pro: { 2: ['no-denoise', 'conservative', 'denoise3x'], 3: ['no-denoise', 'conservative', 'denoise3x'], 4: [] },
  nose: { 2: ['no-denoise'], 3: [], 4: [] },
};

/** Every released model, in a stable order. */
export const MODELS: readonly ModelInfo[] = Object.entries(DENOISE_LEVELS).flatMap(([family, byScale]) =>
  ([2, 3, 4] as Scale[]).flatMap((scale) =>
    byScale[scale].map((denoise) => ({
      id: `${family}/up${scale}x-${denoise}`,
      scale,
      denoise,
      se: family !== 'nose',
      pro: family === 'pro',
    })),
  ),
);

export function findModel(id: string): ModelInfo | undefined {
  return MODELS.find((m) => m.id === id);
}

const conv = (name: string, inC: number, outC: number, kernel = 3, stride = 1): LayerSpec => ({
  name, kind: 'conv', inC, outC, kernel, stride, pad: 0,
});
const deconv = (name: string, inC: number, outC: number, kernel: number, stride: number, pad: number): LayerSpec => ({
  name, kind: 'deconv', inC, outC, kernel, stride, pad,
});

function unetConv(name: string, cin: number, cmid: number, cout: number, se: boolean): LayerSpec[] {
  const layers = [conv(`${name}.conv.0`, cin, cmid), conv(`${name}.conv.2`, cmid, cout)];
  if (se) {
    const r = cout / 8;
    layers.push(
      { name: `${name}.seblock.conv1`, kind: 'fc', inC: cout, outC: r, kernel: 1, stride: 1, pad: 0 },
      { name: `${name}.seblock.conv2`, kind: 'fc', inC: r, outC: cout, kernel: 1, stride: 1, pad: 0 },
    );
  }
  return layers;
}

/** The parameter tensors of a model variant, in storage order. */
export function layerSpecs(v: Pick<ModelVariant, 'scale' | 'se'>): LayerSpec[] {
  const c1out = v.scale === 4 ? 64 : 3;
  const tail =
    v.scale === 3 ? deconv('unet1.conv_bottom', 64, c1out, 5, 3, 2) : deconv('unet1.conv_bottom', 64, c1out, 4, 2, 3);
  const unet1 = [
    ...unetConv('unet1.conv1', 3, 32, 64, false),
    conv('unet1.conv1_down', 64, 64, 2, 2),
    ...unetConv('unet1.conv2', 64, 128, 64, v.se),
    deconv('unet1.conv2_up', 64, 64, 2, 2, 0),
    conv('unet1.conv3', 64, 64),
    tail,
  ];
  const unet2 = [
    ...unetConv('unet2.conv1', c1out, 32, 64, false),
    conv('unet2.conv1_down', 64, 64, 2, 2),
    ...unetConv('unet2.conv2', 64, 64, 128, v.se),
    conv('unet2.conv2_down', 128, 128, 2, 2),
    ...unetConv('unet2.conv3', 128, 256, 128, v.se),
    deconv('unet2.conv3_up', 128, 128, 2, 2, 0),
    ...unetConv('unet2.conv4', 128, 64, 64, v.se),
    deconv('unet2.conv4_up', 64, 64, 2, 2, 0),
    conv('unet2.conv5', 64, 64),
    conv('unet2.conv_bottom', 64, c1out),
  ];
  return v.scale === 4 ? [...unet1, ...unet2, conv('conv_final', 64, 12)] : [...unet1, ...unet2];
}

/** PyTorch's shape of a layer's weight: Conv2d [out][in][k][k], ConvTranspose2d [in][out][k][k]. */
export function torchWeightShape(l: LayerSpec): number[] {
  if (l.kind === 'fc') return [l.outC, l.inC, 1, 1];
  if (l.kind === 'deconv') return [l.inC, l.outC, l.kernel, l.kernel];
  return [l.outC, l.inC, l.kernel, l.kernel];
}

/** Reflect padding on the left/top; right/bottom add what rounds the size up (see padFor). */
export const PAD: Record<Scale, number> = { 2: 18, 3: 14, 4: 19 };
/** The padded size must be a multiple of this. */
export const ALIGN: Record<Scale, number> = { 2: 2, 3: 4, 4: 2 };
