// Tiled SE, first half: adds the per-channel sum of the part of a feature map this tile owns
// into `sums` (the first tile of a frame overwrites it, so no clearing pass is needed).
// Tiles run one after another within a compute pass, so their read-modify-writes are ordered.
#include "snippets/se-sum.wgsl"

struct SeSumParams { off: u32, row: u32, w: u32, h: u32, c4: u32, accumulate: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<uniform> P: SeSumParams;
@group(0) @binding(1) var<storage, read> src: array<Tensor4>;
@group(0) @binding(2) var<storage, read_write> sums: array<vec4f>; // [C/4]

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) t: u32) {
  let total = channel_sums(t, P.off, P.row, P.w, P.h, P.c4);
  if (t < P.c4) {
    var before = vec4f(0.0);
    if (P.accumulate != 0u) { before = sums[t]; }
    sums[t] = before + total;
  }
}
