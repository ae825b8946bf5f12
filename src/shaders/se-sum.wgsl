// Tiled SE, first half: adds the per-channel sum of the part of a feature map this tile owns
// into `sums` (the first tile of a frame overwrites it, so no clearing pass is needed).
// Tiles run one after another within a compute pass, so their read-modify-writes are ordered.
#include "snippets/se-sum.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(local_invocation_index) t: u32) {
  let total = channel_sums(t, P.off, P.row, P.w, P.h, P.c4);
  if (t < P.c4) {
    var before = vec4f(0.0);
    if (P.accumulate != 0u) { before = sums[t]; }
    sums[t] = before + total;
  }
}
