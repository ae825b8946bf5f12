// Frame reuse, step 1: compares this frame's packed input with each window's baseline, the
// input that window last ran on (not the previous frame: a slow drift adds up against it and
// is caught), block by block. A block whose mean squared difference (8-bit levels, R, G, B)
// exceeds the threshold marks its window changed and raises INPUT_CHANGED in `state.changed`.
// Threshold 0 is exact reuse: any differing value marks the block (inputs are quantised, so a
// differing value differs by at least one level).
// A window is the whole padded input (one, for SE models), or a region tile's input window
// (models without SE), each with a baseline of its own, so a tile that reruns updates only its
// own (reuse-keep.wgsl). Anime holds each drawing for 2-3 frames and encoders re-encode held
// frames slightly differently; when no window changed, reuse-gate.wgsl turns every later pass
// into an empty indirect dispatch and the last output is shown again.
// One workgroup per block (WG_X * BLOCK_X pixels square), each invocation sums BLOCK_X x BLOCK_Y
// pixels; workgroup y runs over the windows' block rows. The ReuseState struct and its flags are
// generated from programs/reuse.ts.
#include "snippets/tensor.wgsl"

var<workgroup> sums: array<f32, WG_X * WG_Y>;

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) li: u32,
) {
  let size = WG_X * BLOCK_X;
  let w = wg.y / P.blocks_y;
  let bx = wg.x * size;
  let by = (wg.y % P.blocks_y) * size;
  let o = origins[w];
  var s = 0.0;
  for (var j = 0u; j < BLOCK_Y; j++) {
    for (var i = 0u; i < BLOCK_X; i++) {
      let x = bx + lid.x + WG_X * i;
      let y = by + lid.y + WG_Y * j;
      if (x < P.win_w && y < P.win_h) {
        let now = unpack4(current[(o.y + y) * P.row + o.x + x]);
        let was = unpack4(baseline[(w * P.win_h + y) * P.win_w + x]);
        let d = (now.rgb - was.rgb) * P.level;
        s += dot(d, d);
      }
    }
  }
  sums[li] = s;
  workgroupBarrier();
  for (var k = WG_X * WG_Y / 2u; k > 0u; k >>= 1u) {
    if (li < k) {
      sums[li] += sums[li + k];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let n = f32(3u * min(size, P.win_w - bx) * min(size, P.win_h - by));
    if (sums[0] > P.threshold * n) {
      atomicStore(&state.windows[w].changed, 1u);
      atomicOr(&state.changed, INPUT_CHANGED);
    }
  }
}
