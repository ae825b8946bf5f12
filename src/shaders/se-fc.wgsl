// Tiled SE, second half: once every tile has added its part (se-sum.wgsl), the whole map's
// per-channel means and from them the scales, exactly as se.wgsl computes them.
#include "snippets/se-excite.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(local_invocation_index) t: u32) {
  var m = vec4f(0.0);
  if (t < P.c4) { m = sums[t] / f32(P.count); }
  excite(t, P.c4, m);
}
