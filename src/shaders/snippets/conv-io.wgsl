// Shared by the conv and deconv kernels: the tensor views they read and write, and the
// fused epilogue (bias, leaky ReLU, skip add with optional SE scale). The params struct P and
// the bindings (src, wts, bias, dst, skip, in_scale, skip_scale) are generated from
// programs/conv.ts. Tensors are NHWC4: element (y, x, c4) of a view is at
// off + (y * row + x) * c4s + c4.
#include "snippets/tensor.wgsl"

// The wide kernels number their blocks as one flat list, columns fastest, then rows, then
// channel groups (a `flat` dispatch, program.ts): on the small UNet2 maps (11-15 px wide) an
// 8x8 grid of blocks would leave most SIMD lanes idle. Returns (column, row, group);
// invocations past the last block get a group past the channel count.
fn flat_block(gid: vec3u, groups: vec3u, cols: u32, rows: u32) -> vec3u {
  let i = gid.y * groups.x * WG_X + gid.x;
  let t = i / cols;
  return vec3u(i % cols, t % rows, t / rows);
}

// Element i of the input tensor, as f32 (with TEXTURES, from its flat texture copy).
fn load_src(i: u32) -> vec4f {
#if TEXTURES
  return load_flat(src, i);
#else
  return unpack4(src[i]);
#endif
}

// The per-input-channel factor fused into the loads (SE scale, alpha); 1 when absent.
fn in_scale_of(ic: u32) -> vec4f {
#if IN_SCALE
  return in_scale[ic];
#else
  return vec4f(1.0);
#endif
}

// The per-output-channel factor on the skip input (SE scale); 1 when absent.
fn skip_scale_of(oc: u32) -> vec4f {
#if SKIP_SCALE
  return skip_scale[oc];
#else
  return vec4f(1.0);
#endif
}

// Writes one output vec4 after the fused epilogue; (x, y) must be inside the output.
fn store_out(x: u32, y: u32, oc: u32, acc: vec4f) {
  store_biased(x, y, oc, acc + bias[oc], skip_scale_of(oc));
}

// store_out for a sum that already holds the bias, with the skip scale ss of group oc: the wide
// kernels start their sums from the bias and load both once per channel group, not per pixel.
fn store_biased(x: u32, y: u32, oc: u32, acc: vec4f, ss: vec4f) {
  var r = acc;
#if LRELU
  r = max(r, r * 0.1);
#endif
#if SKIP
  r = r + unpack4(skip[P.skip_off + (y * P.skip_row + x) * P.out_c4 + oc]) * ss;
#endif
  dst[P.out_off + (y * P.out_row + x) * P.out_c4 + oc] = pack4(r);
}

// store_biased for the 4 columns of a, at x, x + dx, x + 2 dx, x + 3 dx of row y, those inside
// the output. Unrolled on purpose: in a loop a[p] is a dynamic index, which SwiftShader serves
// from memory with a gather per lane.
fn store4(x: u32, dx: u32, y: u32, oc: u32, a: mat4x4f, ss: vec4f) {
  if (x < P.out_w) { store_biased(x, y, oc, a[0], ss); }
  if (x + dx < P.out_w) { store_biased(x + dx, y, oc, a[1], ss); }
  if (x + 2u * dx < P.out_w) { store_biased(x + 2u * dx, y, oc, a[2], ss); }
  if (x + 3u * dx < P.out_w) { store_biased(x + 3u * dx, y, oc, a[3], ss); }
}

// Stores a row of up to 4 pixels (matrix columns) for channel groups oc and oc + 1.
fn store_block(x0: u32, y: u32, oc: u32, a: mat4x4f, b: mat4x4f) {
  for (var p = 0u; p < 4u; p++) {
    if (x0 + p < P.out_w) {
      store_out(x0 + p, y, oc, a[p]);
      if (oc + 1u < P.out_c4) { store_out(x0 + p, y, oc + 1u, b[p]); }
    }
  }
}
