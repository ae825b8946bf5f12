// The "floor" of the speed table: one 2x resampling pass, bilinear (MODE 0) or Catmull-Rom
// bicubic (MODE 1), texture in, rgba8unorm storage texture out.

override MODE: u32 = 0u;

@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var smp: sampler;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;

fn load(p: vec2<i32>, size: vec2<i32>) -> vec4<f32> {
  return textureLoad(src, clamp(p, vec2<i32>(0), size - 1), 0);
}

fn cubicWeights(t: f32) -> vec4<f32> {
  let t2 = t * t;
  let t3 = t2 * t;
  return vec4<f32>(
    -0.5 * t3 + t2 - 0.5 * t,
    1.5 * t3 - 2.5 * t2 + 1.0,
    -1.5 * t3 + 2.0 * t2 + 0.5 * t,
    0.5 * t3 - 0.5 * t2,
  );
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let outSize = textureDimensions(dst);
  if (gid.x >= outSize.x || gid.y >= outSize.y) {
    return;
  }
  let size = vec2<i32>(textureDimensions(src));
  let uv = (vec2<f32>(gid.xy) + 0.5) / vec2<f32>(outSize);
  var color: vec4<f32>;
  if (MODE == 0u) {
    color = textureSampleLevel(src, smp, uv, 0.0);
  } else {
    let pos = uv * vec2<f32>(size) - 0.5;
    let base = vec2<i32>(floor(pos));
    let f = pos - floor(pos);
    let wx = cubicWeights(f.x);
    let wy = cubicWeights(f.y);
    color = vec4<f32>(0.0);
    for (var j = 0; j < 4; j++) {
      var row = vec4<f32>(0.0);
      for (var i = 0; i < 4; i++) {
        row += wx[i] * load(base + vec2<i32>(i - 1, j - 1), size);
      }
      color += wy[j] * row;
    }
  }
  textureStore(dst, vec2<i32>(gid.xy), clamp(color, vec4<f32>(0.0), vec4<f32>(1.0)));
}
