// Region reuse: a tile's input tensor, copied as a window of the whole frame's packed input (the
// copy frame-diff.wgsl keeps, equal to this frame's input once it has run). Tiles then need no
// pass of their own reading the video frame, whose bind groups WebGPU makes per frame.
// Elements are copied as stored (f32 or f16 bits).
#include "snippets/tensor.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= P.out_w || gid.y >= P.out_h) { return; }
  dst[gid.y * P.out_w + gid.x] = src[(gid.y + P.y) * P.src_w + gid.x + P.x];
}
