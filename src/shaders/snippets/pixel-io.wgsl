// Shared by the input and output passes: the model's value maps.

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
