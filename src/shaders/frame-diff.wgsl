// Frame reuse, step 1: compares the packed input of this frame with the previous frame's (a copy
// kept for this), raises INPUT_CHANGED in `state.changed` if any value differs, and keeps this
// frame's copy.
// Anime holds each drawing for 2-3 frames; when nothing changed, reuse-gate.wgsl turns every
// later pass of the frame into an empty indirect dispatch and the last output is shown again.
// Exact: the network is a pure function of this tensor (and of alpha, which forces a re-run).
//
// Region reuse (models without SE): the frame is also covered by tiles, each with the input
// window its output depends on. A changed value marks every tile whose window holds it, so
// the gate can rerun just those tiles.
// The elements are compared as stored (f32 or f16 bits), so no unpacking is needed.
// The ReuseState struct and its flags are generated from programs/reuse.ts.
#include "snippets/tensor.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.y * groups.x * WG_X + gid.x;
  if (i >= P.count) {
    return;
  }
  let v = current[i];
  if (any(v != previous[i])) {
    atomicOr(&state.changed, INPUT_CHANGED);
    previous[i] = v;
    let p = i / P.c4;
    let x = p % P.row;
    let y = p / P.row;
    for (var t = 0u; t < P.tiles; t++) {
      let o = origins[t];
      if (x >= o.x && x < o.x + P.tile_w && y >= o.y && y < o.y + P.tile_h) {
        atomicStore(&state.tile_changed[t], 1u);
      }
    }
  }
}
