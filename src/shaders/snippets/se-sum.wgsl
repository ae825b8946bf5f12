// The per-channel sum of a rect of an NHWC4 feature map (c4 = 16 or 32 groups), by one
// workgroup of WG_X (256) invocations: each lane strides over the pixels, then the lanes are added.
// Shared by se.wgsl (whole map) and se-sum.wgsl (one tile's part of the map). Sums are f32
// whatever the tensors' storage.
#include "snippets/tensor.wgsl"

var<workgroup> partial: array<vec4f, WG_X>;

// Every invocation must call it (it has barriers); invocations t < c4 get group t's sum.
fn channel_sums(t: u32, src_off: u32, row: u32, w: u32, h: u32, c4: u32) -> vec4f {
  let lanes = WG_X / c4;
  let g = t % c4;
  let lane = t / c4;
  var sum = vec4f(0.0);
  let n = w * h;
  if (lane < lanes) {
    for (var i = lane; i < n; i += lanes) {
      let y = i / w;
      let x = i - y * w;
      sum += unpack4(src[src_off + (y * row + x) * c4 + g]);
    }
  }
  partial[t] = sum;
  workgroupBarrier();
  var total = vec4f(0.0);
  if (t < c4) {
    for (var l = 0u; l < lanes; l++) { total += partial[l * c4 + t]; }
  }
  return total;
}
