// The stage pass of a texture conv (conv3x3-texture.wgsl): copies the conv's input tensor, its
// whole binding, into the flat texture the conv reads. It runs with the conv's workgroup counts
// (pass.ts: a pass's `before`, gated with it by frame reuse), whatever they are, so each
// invocation strides over the elements.
#include "snippets/tensor.wgsl"
#include "snippets/flat-texture.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let row = groups.x * WG_X;
  let total = row * groups.y * groups.z;
  for (var i = (gid.z * groups.y + gid.y) * row + gid.x; i < P.count; i += total) {
    textureStore(dst, flat_texel(i), unpack4(src[i]));
  }
}
