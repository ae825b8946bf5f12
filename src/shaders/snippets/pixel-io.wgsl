// Shared by the input and output passes: reading source pixels, the model's value maps.

// Source pixel as its 8-bit value (textures may hold it as p/255 in any float format).
fn source_rgb(tex: texture_2d<f32>, x: u32, y: u32) -> vec3f {
  return round(textureLoad(tex, vec2u(x, y), 0).rgb * 255.0);
}

// 8-bit value -> network input, exactly as the official code: p/255, pro: p/(255/0.7)+0.15.
fn to_model(p: vec3f) -> vec3f {
#if PRO
  return p / 364.28571428571428 + 0.15;
#else
  return p / 255.0;
#endif
}

// Network output -> 0..255 space (unrounded), exactly as the official code.
fn from_model(y: vec3f) -> vec3f {
#if PRO
  return (y - 0.15) * 364.28571428571428;
#else
  return y * 255.0;
#endif
}
