// Flat textures: element i of a buffer as texel (i mod 4096, i / 4096) of a 4096-texel-wide
// texture, so a tensor or a model's weights of any length fit the texture size limits
// (runtime/gpu/conv-textures.ts makes them; tensor-texture.wgsl copies a tensor into one).
const FLAT_SHIFT = 12u;

fn flat_texel(i: u32) -> vec2u {
  return vec2u(i & ((1u << FLAT_SHIFT) - 1u), i >> FLAT_SHIFT);
}

fn load_flat(t: texture_2d<f32>, i: u32) -> vec4f {
  return textureLoad(t, flat_texel(i), 0);
}
