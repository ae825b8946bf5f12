// Squeeze-excitation: the per-channel mean over the WHOLE feature map, two small fully
// connected layers (ReLU, sigmoid), giving one scale per channel. The scale is not applied
// here: the kernels that read the feature multiply it in as they load (conv-io.wgsl).
// With ALPHA the scale also carries the `alpha` strength knob (UNet2's fourth block).
// One workgroup does it all: the map is read once and the FC layers are tiny.
// (A tiled frame uses se-sum.wgsl per tile, then se-fc.wgsl once: the same mean, gathered.)
#include "snippets/se-sum.wgsl"
#include "snippets/se-excite.wgsl"

struct SeParams { off: u32, row: u32, w: u32, h: u32, c4: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<uniform> P: SeParams;
@group(0) @binding(1) var<storage, read> src: array<Tensor4>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) t: u32) {
  let total = channel_sums(t, P.off, P.row, P.w, P.h, P.c4);
  excite(t, P.c4, total / f32(P.w * P.h));
}
