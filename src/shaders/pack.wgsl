// Input pass: source texture -> the network's input tensor (NHWC4, 1 channel group),
// normalised and reflect-padded. Padding mirrors without repeating the edge pixel and keeps
// mirroring periodically when the pad exceeds the image (tiny images; see the golden README).
// A tile's window starts inside the frame: pad_left/pad_top are then PAD minus the tile's
// origin, negative, so the mirroring stays that of the whole frame. `source` is a texture_2d,
// or with EXTERNAL a video frame's texture_external (programs/pixels.ts).
#include "snippets/tensor.wgsl"
#include "snippets/pixel-io.wgsl"

// Source pixel as its 8-bit value (textures hold it as p/255, in any float format).
fn texel(x: u32, y: u32) -> vec3f {
#if EXTERNAL
  return round(textureLoad(source, vec2u(x, y)).rgb * 255.0);
#else
  return round(textureLoad(source, vec2u(x, y), 0).rgb * 255.0);
#endif
}

// With BOX2 the network runs at half the source size (the adaptive mode's lowest tier): each
// input pixel is the rounded mean of a 2x2 block of the source.
fn source_rgb(x: u32, y: u32) -> vec3f {
#if BOX2
  let s = texel(2u * x, 2u * y) + texel(2u * x + 1u, 2u * y) + texel(2u * x, 2u * y + 1u) + texel(2u * x + 1u, 2u * y + 1u);
  return round(s * 0.25);
#else
  return texel(x, y);
#endif
}

fn reflect_index(i: i32, n: i32) -> u32 {
  if (n == 1) { return 0u; }
  let period = 2 * n - 2;
  var m = i % period;
  if (m < 0) { m += period; }
  if (m >= n) { m = period - m; }
  return u32(m);
}

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= P.out_w || gid.y >= P.out_h) { return; }
  let sx = reflect_index(i32(gid.x) - P.pad_left, i32(P.src_w));
  let sy = reflect_index(i32(gid.y) - P.pad_top, i32(P.src_h));
  dst[gid.y * P.out_w + gid.x] = pack4(vec4f(to_model(source_rgb(sx, sy)), 0.0));
}
