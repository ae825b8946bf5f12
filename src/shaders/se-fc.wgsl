// Tiled SE, second half: once every tile has added its part (se-sum.wgsl), the whole map's
// per-channel means and from them the scales, exactly as se.wgsl computes them.
#include "snippets/se-excite.wgsl"

struct SeFcParams { count: u32, c4: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<uniform> P: SeFcParams;
@group(0) @binding(1) var<storage, read> sums: array<vec4f>; // [C/4]

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) t: u32) {
  var m = vec4f(0.0);
  if (t < P.c4) { m = sums[t] / f32(P.count); }
  excite(t, P.c4, m);
}
