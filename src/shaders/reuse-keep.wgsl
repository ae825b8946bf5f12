// Frame reuse, step 3 (after reuse-gate.wgsl): every window that runs this frame takes this
// frame's input as its baseline; the others keep the input their output was made from, so the
// next frames are compared with what is on screen. The ReuseState struct is generated from
// programs/reuse.ts.
#include "snippets/tensor.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.y * groups.x * WG_X + gid.x;
  let per = P.win_w * P.win_h;
  if (i >= P.windows * per) {
    return;
  }
  let w = i / per;
  if (state.windows[w].run == 0u) {
    return;
  }
  let p = i % per;
  let o = origins[w];
  baseline[i] = current[(o.y + p / P.win_w) * P.row + o.x + p % P.win_w];
}
