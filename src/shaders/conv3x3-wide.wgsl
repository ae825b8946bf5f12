// 3x3 convolution, stride 1, no padding, on NHWC4 tensors: the wide variant of conv3x3.wgsl.
// Each invocation computes 8x2 output pixels x 16 output channels (sixteen mat4x4 accumulators):
// twice the channels of conv3x3.wgsl for the same 20 input loads per input channel group, so
// more multiply-adds per (emulated, costly) load on SwiftShader, at the price of registers.
#include "snippets/conv-io.wgsl"

@compute @workgroup_size({{WG_X}}, {{WG_Y}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let x0 = gid.x * 8u;
  let y0 = gid.y * 2u;
  if (x0 >= P.out_w || y0 >= P.out_h) { return; }
  let oc0 = gid.z * 4u;
  // The last group of a channel count not a multiple of 16 reads valid weights and drops the result.
  let o0 = min(oc0, P.out_c4 - 1u);
  let o1 = min(oc0 + 1u, P.out_c4 - 1u);
  let o2 = min(oc0 + 2u, P.out_c4 - 1u);
  let o3 = min(oc0 + 3u, P.out_c4 - 1u);
  let cin = P.in_c4;
  var acc000 = mat4x4f();
  var acc001 = mat4x4f();
  var acc002 = mat4x4f();
  var acc003 = mat4x4f();
  var acc010 = mat4x4f();
  var acc011 = mat4x4f();
  var acc012 = mat4x4f();
  var acc013 = mat4x4f();
  var acc100 = mat4x4f();
  var acc101 = mat4x4f();
  var acc102 = mat4x4f();
  var acc103 = mat4x4f();
  var acc110 = mat4x4f();
  var acc111 = mat4x4f();
  var acc112 = mat4x4f();
  var acc113 = mat4x4f();
  for (var ky = 0u; ky < 3u; ky++) {
    let r0 = P.in_off + ((y0 + ky) * P.in_row + x0) * cin;
    let r1 = r0 + P.in_row * cin;
    let w0 = (o0 * 3u + ky) * 3u * cin;
    let w1 = (o1 * 3u + ky) * 3u * cin;
    let w2 = (o2 * 3u + ky) * 3u * cin;
    let w3 = (o3 * 3u + ky) * 3u * cin;
    for (var ic = 0u; ic < cin; ic++) {
      let sc = in_scale_of(ic);
      let a0 = src[r0 + 0u * cin + ic] * sc;
      let a1 = src[r0 + 1u * cin + ic] * sc;
      let a2 = src[r0 + 2u * cin + ic] * sc;
      let a3 = src[r0 + 3u * cin + ic] * sc;
      let a4 = src[r0 + 4u * cin + ic] * sc;
      let a5 = src[r0 + 5u * cin + ic] * sc;
      let a6 = src[r0 + 6u * cin + ic] * sc;
      let a7 = src[r0 + 7u * cin + ic] * sc;
      let a8 = src[r0 + 8u * cin + ic] * sc;
      let a9 = src[r0 + 9u * cin + ic] * sc;
      let b0 = src[r1 + 0u * cin + ic] * sc;
      let b1 = src[r1 + 1u * cin + ic] * sc;
      let b2 = src[r1 + 2u * cin + ic] * sc;
      let b3 = src[r1 + 3u * cin + ic] * sc;
      let b4 = src[r1 + 4u * cin + ic] * sc;
      let b5 = src[r1 + 5u * cin + ic] * sc;
      let b6 = src[r1 + 6u * cin + ic] * sc;
      let b7 = src[r1 + 7u * cin + ic] * sc;
      let b8 = src[r1 + 8u * cin + ic] * sc;
      let b9 = src[r1 + 9u * cin + ic] * sc;
      {
        let xa = mat4x4f(a0, a1, a2, a3);
        let xc = mat4x4f(a4, a5, a6, a7);
        let xb = mat4x4f(b0, b1, b2, b3);
        let xd = mat4x4f(b4, b5, b6, b7);
        let k0 = wts[w0 + ic];
        acc000 += k0 * xa; acc010 += k0 * xc; acc100 += k0 * xb; acc110 += k0 * xd;
        let k1 = wts[w1 + ic];
        acc001 += k1 * xa; acc011 += k1 * xc; acc101 += k1 * xb; acc111 += k1 * xd;
        let k2 = wts[w2 + ic];
        acc002 += k2 * xa; acc012 += k2 * xc; acc102 += k2 * xb; acc112 += k2 * xd;
        let k3 = wts[w3 + ic];
        acc003 += k3 * xa; acc013 += k3 * xc; acc103 += k3 * xb; acc113 += k3 * xd;
      }
      {
        let xa = mat4x4f(a1, a2, a3, a4);
        let xc = mat4x4f(a5, a6, a7, a8);
        let xb = mat4x4f(b1, b2, b3, b4);
        let xd = mat4x4f(b5, b6, b7, b8);
        let k0 = wts[w0 + 1u * cin + ic];
        acc000 += k0 * xa; acc010 += k0 * xc; acc100 += k0 * xb; acc110 += k0 * xd;
        let k1 = wts[w1 + 1u * cin + ic];
        acc001 += k1 * xa; acc011 += k1 * xc; acc101 += k1 * xb; acc111 += k1 * xd;
        let k2 = wts[w2 + 1u * cin + ic];
        acc002 += k2 * xa; acc012 += k2 * xc; acc102 += k2 * xb; acc112 += k2 * xd;
        let k3 = wts[w3 + 1u * cin + ic];
        acc003 += k3 * xa; acc013 += k3 * xc; acc103 += k3 * xb; acc113 += k3 * xd;
      }
      {
        let xa = mat4x4f(a2, a3, a4, a5);
        let xc = mat4x4f(a6, a7, a8, a9);
        let xb = mat4x4f(b2, b3, b4, b5);
        let xd = mat4x4f(b6, b7, b8, b9);
        let k0 = wts[w0 + 2u * cin + ic];
        acc000 += k0 * xa; acc010 += k0 * xc; acc100 += k0 * xb; acc110 += k0 * xd;
        let k1 = wts[w1 + 2u * cin + ic];
        acc001 += k1 * xa; acc011 += k1 * xc; acc101 += k1 * xb; acc111 += k1 * xd;
        let k2 = wts[w2 + 2u * cin + ic];
        acc002 += k2 * xa; acc012 += k2 * xc; acc102 += k2 * xb; acc112 += k2 * xd;
        let k3 = wts[w3 + 2u * cin + ic];
        acc003 += k3 * xa; acc013 += k3 * xc; acc103 += k3 * xb; acc113 += k3 * xd;
      }
    }
  }
  store_block(x0, y0, oc0, acc000, acc001);
  store_block(x0 + 4u, y0, oc0, acc010, acc011);
  let more = oc0 + 2u < P.out_c4;
  if (more) {
    store_block(x0, y0, oc0 + 2u, acc002, acc003);
    store_block(x0 + 4u, y0, oc0 + 2u, acc012, acc013);
  }
  if (y0 + 1u < P.out_h) {
    store_block(x0, y0 + 1u, oc0, acc100, acc101);
    store_block(x0 + 4u, y0 + 1u, oc0, acc110, acc111);
    if (more) {
      store_block(x0, y0 + 1u, oc0 + 2u, acc102, acc103);
      store_block(x0 + 4u, y0 + 1u, oc0 + 2u, acc112, acc113);
    }
  }
}
