// 3x3 convolution, stride 1, no padding, on NHWC4 tensors.
// Register-blocked implicit GEMM: each invocation computes a block of BLOCK_X x BLOCK_Y = 8x2
// output pixels x BLOCK_C4 = 2 channel groups (8 channels) as eight mat4x4 accumulators
// (columns = pixels, rows = channels), so each input vec4 it loads feeds up to 6 products and
// each weight block 16 pixels. Every load is expensive on SwiftShader (an emulated gather), so
// FLOPs per load decide speed there. The body is unrolled for that block (programs/conv.ts
// declares it).
#include "snippets/conv-io.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x0 = gid.x * BLOCK_X;
  let y0 = gid.y * BLOCK_Y;
  if (x0 >= P.out_w || y0 >= P.out_h) { return; }
  let oc0 = gid.z * BLOCK_C4;
  // The last group of an odd channel count reads valid weights and drops the result.
  let o0 = min(oc0, P.out_c4 - 1u);
  let o1 = min(oc0 + 1u, P.out_c4 - 1u);
  let cin = P.in_c4;
  var acc00 = mat4x4f(); // row 0, pixels 0-3, channels o0
  var acc01 = mat4x4f(); // row 0, pixels 0-3, channels o1
  var acc02 = mat4x4f(); // row 0, pixels 4-7, channels o0
  var acc03 = mat4x4f(); // row 0, pixels 4-7, channels o1
  var acc10 = mat4x4f(); // row 1 ...
  var acc11 = mat4x4f();
  var acc12 = mat4x4f();
  var acc13 = mat4x4f();
  for (var ky = 0u; ky < 3u; ky++) {
    let r0 = P.in_off + ((y0 + ky) * P.in_row + x0) * cin;
    let r1 = r0 + P.in_row * cin;
    let w0 = (o0 * 3u + ky) * 3u * cin;
    let w1 = (o1 * 3u + ky) * 3u * cin;
    for (var ic = 0u; ic < cin; ic++) {
      let sc = in_scale_of(ic);
      let a0 = load_src(r0 + ic) * sc;
      let a1 = load_src(r0 + cin + ic) * sc;
      let a2 = load_src(r0 + 2u * cin + ic) * sc;
      let a3 = load_src(r0 + 3u * cin + ic) * sc;
      let a4 = load_src(r0 + 4u * cin + ic) * sc;
      let a5 = load_src(r0 + 5u * cin + ic) * sc;
      let a6 = load_src(r0 + 6u * cin + ic) * sc;
      let a7 = load_src(r0 + 7u * cin + ic) * sc;
      let a8 = load_src(r0 + 8u * cin + ic) * sc;
      let a9 = load_src(r0 + 9u * cin + ic) * sc;
      let b0 = load_src(r1 + ic) * sc;
      let b1 = load_src(r1 + cin + ic) * sc;
      let b2 = load_src(r1 + 2u * cin + ic) * sc;
      let b3 = load_src(r1 + 3u * cin + ic) * sc;
      let b4 = load_src(r1 + 4u * cin + ic) * sc;
      let b5 = load_src(r1 + 5u * cin + ic) * sc;
      let b6 = load_src(r1 + 6u * cin + ic) * sc;
      let b7 = load_src(r1 + 7u * cin + ic) * sc;
      let b8 = load_src(r1 + 8u * cin + ic) * sc;
      let b9 = load_src(r1 + 9u * cin + ic) * sc;
      var k0 = wts[w0 + ic];
      var k1 = wts[w1 + ic];
      var xa = mat4x4f(a0, a1, a2, a3);
      var xc = mat4x4f(a4, a5, a6, a7);
      var xb = mat4x4f(b0, b1, b2, b3);
      var xd = mat4x4f(b4, b5, b6, b7);
      acc00 += k0 * xa; acc01 += k1 * xa; acc02 += k0 * xc; acc03 += k1 * xc;
      acc10 += k0 * xb; acc11 += k1 * xb; acc12 += k0 * xd; acc13 += k1 * xd;
      k0 = wts[w0 + cin + ic];
      k1 = wts[w1 + cin + ic];
      xa = mat4x4f(a1, a2, a3, a4);
      xc = mat4x4f(a5, a6, a7, a8);
      xb = mat4x4f(b1, b2, b3, b4);
      xd = mat4x4f(b5, b6, b7, b8);
      acc00 += k0 * xa; acc01 += k1 * xa; acc02 += k0 * xc; acc03 += k1 * xc;
      acc10 += k0 * xb; acc11 += k1 * xb; acc12 += k0 * xd; acc13 += k1 * xd;
      k0 = wts[w0 + 2u * cin + ic];
      k1 = wts[w1 + 2u * cin + ic];
      xa = mat4x4f(a2, a3, a4, a5);
      xc = mat4x4f(a6, a7, a8, a9);
      xb = mat4x4f(b2, b3, b4, b5);
      xd = mat4x4f(b6, b7, b8, b9);
      acc00 += k0 * xa; acc01 += k1 * xa; acc02 += k0 * xc; acc03 += k1 * xc;
      acc10 += k0 * xb; acc11 += k1 * xb; acc12 += k0 * xd; acc13 += k1 * xd;
    }
  }
  store_block(x0, y0, oc0, acc00, acc01);
  store_block(x0 + 4u, y0, oc0, acc02, acc03);
  if (y0 + 1u < P.out_h) {
    store_block(x0, y0 + 1u, oc0, acc10, acc11);
    store_block(x0 + 4u, y0 + 1u, oc0, acc12, acc13);
  }
}
