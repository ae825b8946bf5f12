// 2x2 convolution, stride 2 (the U-Net's downsampling), on NHWC4 tensors.
// Each invocation computes a block of 4x2 output pixels x 2 channel groups (8 channels), like
// conv3x3.wgsl; the body is unrolled for it.
#include "snippets/conv-io.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x0 = gid.x * BLOCK_X;
  let y0 = gid.y * BLOCK_Y;
  if (x0 >= P.out_w || y0 >= P.out_h) { return; }
  let oc0 = gid.z * BLOCK_C4;
  let o0 = min(oc0, P.out_c4 - 1u);
  let o1 = min(oc0 + 1u, P.out_c4 - 1u);
  let cin = P.in_c4;
  var acc00 = mat4x4f();
  var acc01 = mat4x4f();
  var acc10 = mat4x4f();
  var acc11 = mat4x4f();
  for (var ky = 0u; ky < 2u; ky++) {
    let r0 = P.in_off + ((2u * y0 + ky) * P.in_row + 2u * x0) * cin;
    let r1 = r0 + 2u * P.in_row * cin;
    let w0 = (o0 * 2u + ky) * 2u * cin;
    let w1 = (o1 * 2u + ky) * 2u * cin;
    for (var ic = 0u; ic < cin; ic++) {
      let sc = in_scale_of(ic);
      var k0 = wts[w0 + ic];
      var k1 = wts[w1 + ic];
      var xa = mat4x4f(load_src(r0 + ic) * sc, load_src(r0 + 2u * cin + ic) * sc,
                       load_src(r0 + 4u * cin + ic) * sc, load_src(r0 + 6u * cin + ic) * sc);
      var xb = mat4x4f(load_src(r1 + ic) * sc, load_src(r1 + 2u * cin + ic) * sc,
                       load_src(r1 + 4u * cin + ic) * sc, load_src(r1 + 6u * cin + ic) * sc);
      acc00 += k0 * xa; acc01 += k1 * xa; acc10 += k0 * xb; acc11 += k1 * xb;
      k0 = wts[w0 + cin + ic];
      k1 = wts[w1 + cin + ic];
      xa = mat4x4f(load_src(r0 + cin + ic) * sc, load_src(r0 + 3u * cin + ic) * sc,
                   load_src(r0 + 5u * cin + ic) * sc, load_src(r0 + 7u * cin + ic) * sc);
      xb = mat4x4f(load_src(r1 + cin + ic) * sc, load_src(r1 + 3u * cin + ic) * sc,
                   load_src(r1 + 5u * cin + ic) * sc, load_src(r1 + 7u * cin + ic) * sc);
      acc00 += k0 * xa; acc01 += k1 * xa; acc10 += k0 * xb; acc11 += k1 * xb;
    }
  }
  store_block(x0, y0, oc0, acc00, acc01);
  if (y0 + 1u < P.out_h) { store_block(x0, y0 + 1u, oc0, acc10, acc11); }
}
