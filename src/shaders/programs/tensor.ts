// How feature-map tensors are stored (snippets/tensor.wgsl): the defines every program that
// reads or writes one is compiled with. F16: IEEE half floats packed in u32 pairs (core WGSL);
// F16_NATIVE: the same bytes as vec4<f16>, which needs the device's shader-f16.

export const TENSOR_DEFINES = { F16: false, F16_NATIVE: false };

export const tensorFeatures = (d: { F16_NATIVE: boolean }): readonly GPUFeatureName[] => (d.F16_NATIVE ? ['shader-f16'] : []);
