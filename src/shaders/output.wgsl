// Output pass: the network's last tensor -> the output texture (and, with RAW, the
// unrounded values as f32 HWC RGB for tests and test-time augmentation).
// 2x/3x: y is the tensor's top-left (H*s) x (W*s) corner.
// 4x (SHUFFLE4): the 12-channel tensor (already cropped by 1 via its view) is pixel-shuffled
// by 2, and the network input upscaled 4x by nearest neighbour is added (read from the
// packed input tensor, so this pass never depends on the source texture).
// Values are then mapped back to 0..255, rounded half to even and clamped.
// A tile writes only the pixels it owns: out_w x out_h from (src_x, src_y) of its own output
// to (dst_x, dst_y) of the frame's output (all zero for a whole frame).
#include "snippets/tensor.wgsl"
#include "snippets/pixel-io.wgsl"

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= P.out_w || gid.y >= P.out_h) { return; }
  let ox = gid.x + P.src_x;
  let oy = gid.y + P.src_y;
  let dx = gid.x + P.dst_x;
  let dy = gid.y + P.dst_y;
#if SHUFFLE4
  let base = P.off + ((oy / 2u) * P.row + ox / 2u) * P.c4;
  let r = (oy % 2u) * 2u + ox % 2u;
  let x = unpack4(x_in[P.x_off + (oy / 4u) * P.x_row + ox / 4u]).rgb;
  let v = vec3f(unpack4(y[base])[r], unpack4(y[base + 1u])[r], unpack4(y[base + 2u])[r]) + x;
#else
  let v = unpack4(y[P.off + (oy * P.row + ox) * P.c4]).rgb;
#endif
  let out = from_model(v);
#if RAW
  let i = (dy * P.raw_w + dx) * 3u;
  raw[i] = out.r;
  raw[i + 1u] = out.g;
  raw[i + 2u] = out.b;
#endif
  textureStore(dst, vec2u(dx, dy), vec4f(clamp(round(out), vec3f(0.0), vec3f(255.0)) / 255.0, 1.0));
}
