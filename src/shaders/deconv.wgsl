// Transposed convolution (kernel K, stride S, padding PAD: numeric defines) written as a gather: output
// (ox, oy) sums input (ix, iy) over the taps with ox = ix * S - PAD + kx (same for y).
// Outputs of one phase (ox mod S) share their taps, so each invocation computes 4 outputs of
// one phase, S apart, x 8 output channels; their inputs are 4 adjacent pixels. ONE_GROUP (a
// layer of <= 4 channels: the 3x model's 3-channel 5x5 tail) computes 4 channels, not a second,
// clamped copy of them to throw away.
// Covers the U-Net's 2x2/s2 upsampling and the 4x4/s2/p3 and 5x5/s3/p2 tails.
#include "snippets/conv-io.wgsl"

// Input pixel (ix, iy) of channel group ic, times its fused scale; zero outside the image.
fn load_px(iy: u32, ix: i32, ic: u32, sc: vec4f) -> vec4f {
  let inside = ix >= 0 && ix < i32(P.in_w);
  let x = u32(clamp(ix, 0, i32(P.in_w) - 1));
  let v = load_src(P.in_off + (iy * P.in_row + x) * P.in_c4 + ic);
  return select(vec4f(0.0), v * sc, inside);
}

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let phx = gid.z % S;
  let oc0 = (gid.z / S) * BLOCK_C4;
  let q0 = gid.x * BLOCK_X;
  let oy = gid.y;
  let ox0 = q0 * S + phx;
  if (oy >= P.out_h || ox0 >= P.out_w) { return; }
  let o0 = min(oc0, P.out_c4 - 1u);
  let o1 = min(oc0 + 1u, P.out_c4 - 1u);
  let cin = P.in_c4;
  var acc0 = mat4x4f();
  var acc1 = mat4x4f();
  for (var ky = (oy + PAD) % S; ky < K; ky += S) {
    let iy = i32(oy + PAD) - i32(ky);
    if (iy < 0 || iy / i32(S) >= i32(P.in_h)) { continue; }
    let row = u32(iy) / S;
    for (var kx = (phx + PAD) % S; kx < K; kx += S) {
      // kx = phx + PAD (mod S), so this division is exact.
      let ix0 = i32(q0) + (i32(phx + PAD) - i32(kx)) / i32(S);
      let w0 = ((o0 * K + ky) * K + kx) * cin;
      let w1 = ((o1 * K + ky) * K + kx) * cin;
      for (var ic = 0u; ic < cin; ic++) {
        let sc = in_scale_of(ic);
        let x = mat4x4f(load_px(row, ix0, ic, sc), load_px(row, ix0 + 1, ic, sc),
                        load_px(row, ix0 + 2, ic, sc), load_px(row, ix0 + 3, ic, sc));
        acc0 += wts[w0 + ic] * x;
#if ONE_GROUP
#else
        acc1 += wts[w1 + ic] * x;
#endif
      }
    }
  }
  for (var p = 0u; p < 4u; p++) {
    let ox = ox0 + p * S;
    if (ox < P.out_w) {
      store_out(ox, oy, oc0, acc0[p]);
      if (oc0 + 1u < P.out_c4) { store_out(ox, oy, oc0 + 1u, acc1[p]); }
    }
  }
}
