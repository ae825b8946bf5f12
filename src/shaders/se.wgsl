// Squeeze-excitation: the per-channel mean over the WHOLE feature map, two small fully
// connected layers (ReLU, sigmoid), giving one scale per channel. The scale is not applied
// here: the kernels that read the feature multiply it in as they load (conv-io.wgsl).
// With ALPHA the scale also carries the `alpha` strength knob (UNet2's fourth block).
// One workgroup does it all: the map is read once and the FC layers are tiny.
// (A tiled frame uses se-sum.wgsl per tile, then se-fc.wgsl once: the same mean, gathered.)
#include "snippets/se-sum.wgsl"
#include "snippets/se-excite.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(local_invocation_index) t: u32) {
  let total = channel_sums(t, P.off, P.row, P.w, P.h, P.c4);
  excite(t, P.c4, total / f32(P.w * P.h));
}
