// Region reuse: a tile's input tensor, copied as a window of the whole frame's packed input (the
// copy frame-diff.wgsl keeps, equal to this frame's input once it has run). Tiles then need no
// pass of their own reading the video frame, whose bind groups WebGPU makes per frame.
// Elements are copied as stored (f32 or f16 bits).
#include "snippets/tensor.wgsl"

struct CropParams { src_w: u32, x: u32, y: u32, out_w: u32, out_h: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<uniform> P: CropParams;
@group(0) @binding(1) var<storage, read> src: array<Tensor4>;
@group(0) @binding(2) var<storage, read_write> dst: array<Tensor4>;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= P.out_w || gid.y >= P.out_h) { return; }
  dst[gid.y * P.out_w + gid.x] = src[(gid.y + P.y) * P.src_w + gid.x + P.x];
}
