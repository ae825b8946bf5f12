// Converts any float texture (anime4k-webgpu's rgba16float output) to rgba8unorm for readback.
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let size = textureDimensions(dst);
  if (gid.x >= size.x || gid.y >= size.y) {
    return;
  }
  let c = textureLoad(src, vec2<i32>(gid.xy), 0);
  textureStore(dst, vec2<i32>(gid.xy), vec4<f32>(clamp(c.rgb, vec3<f32>(0.0), vec3<f32>(1.0)), 1.0));
}
