// 3x3 convolution, stride 1, no padding, on NHWC4 tensors.
// Register-blocked implicit GEMM: each invocation computes 4x2 output pixels x 8 output
// channels as four mat4x4 accumulators (columns = pixels, rows = channels), so each input vec4
// it loads feeds up to 6 products and each weight block 8 pixels. Every load is expensive on
// SwiftShader (an emulated gather), so FLOPs per load decide speed there.
#include "snippets/conv-io.wgsl"

@compute @workgroup_size({{WG_X}}, {{WG_Y}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x0 = gid.x * 4u;
  let y0 = gid.y * 2u;
  if (x0 >= P.out_w || y0 >= P.out_h) { return; }
  let oc0 = gid.z * 2u;
  // The last group of an odd channel count reads valid weights and drops the result.
  let o0 = min(oc0, P.out_c4 - 1u);
  let o1 = min(oc0 + 1u, P.out_c4 - 1u);
  let cin = P.in_c4;
  var acc00 = mat4x4f(); // row 0, channels o0
  var acc01 = mat4x4f(); // row 0, channels o1
  var acc10 = mat4x4f(); // row 1, channels o0
  var acc11 = mat4x4f(); // row 1, channels o1
  for (var ky = 0u; ky < 3u; ky++) {
    let r0 = P.in_off + ((y0 + ky) * P.in_row + x0) * cin;
    let r1 = r0 + P.in_row * cin;
    let w0 = (o0 * 3u + ky) * 3u * cin;
    let w1 = (o1 * 3u + ky) * 3u * cin;
    for (var ic = 0u; ic < cin; ic++) {
      let sc = in_scale_of(ic);
      let a0 = src[r0 + ic] * sc;
      let a1 = src[r0 + cin + ic] * sc;
      let a2 = src[r0 + 2u * cin + ic] * sc;
      let a3 = src[r0 + 3u * cin + ic] * sc;
      let a4 = src[r0 + 4u * cin + ic] * sc;
      let a5 = src[r0 + 5u * cin + ic] * sc;
      let b0 = src[r1 + ic] * sc;
      let b1 = src[r1 + cin + ic] * sc;
      let b2 = src[r1 + 2u * cin + ic] * sc;
      let b3 = src[r1 + 3u * cin + ic] * sc;
      let b4 = src[r1 + 4u * cin + ic] * sc;
      let b5 = src[r1 + 5u * cin + ic] * sc;
      var k0 = wts[w0 + ic];
      var k1 = wts[w1 + ic];
      var xa = mat4x4f(a0, a1, a2, a3);
      var xb = mat4x4f(b0, b1, b2, b3);
      acc00 += k0 * xa; acc01 += k1 * xa; acc10 += k0 * xb; acc11 += k1 * xb;
      k0 = wts[w0 + cin + ic];
      k1 = wts[w1 + cin + ic];
      xa = mat4x4f(a1, a2, a3, a4);
      xb = mat4x4f(b1, b2, b3, b4);
      acc00 += k0 * xa; acc01 += k1 * xa; acc10 += k0 * xb; acc11 += k1 * xb;
      k0 = wts[w0 + 2u * cin + ic];
      k1 = wts[w1 + 2u * cin + ic];
      xa = mat4x4f(a2, a3, a4, a5);
      xb = mat4x4f(b2, b3, b4, b5);
      acc00 += k0 * xa; acc01 += k1 * xa; acc10 += k0 * xb; acc11 += k1 * xb;
    }
  }
  store_block(x0, y0, oc0, acc00, acc01);
  if (y0 + 1u < P.out_h) { store_block(x0, y0 + 1u, oc0, acc10, acc11); }
}
