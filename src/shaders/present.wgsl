// Present pass: draws the upscaled frame into the on-screen canvas at the display's own pixel
// size (object-fit, devicePixelRatio) with a Catmull-Rom bicubic filter: sharp edges for line
// art, no blur from a bilinear resample. The viewport is the video's content rectangle; the
// source region is the whole frame, or a part of it for a magnifier (loupe).

struct PresentParams { origin: vec2f, size: vec2f, src_origin: vec2f, src_extent: vec2f }

@group(0) @binding(0) var<uniform> P: PresentParams;
@group(0) @binding(1) var frame: texture_2d<f32>;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  // One triangle covering the viewport.
  let p = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4f(p * 2.0 - 1.0, 0.0, 1.0);
}

fn catmull_rom(t: f32) -> vec4f {
  return vec4f(
    t * (-0.5 + t * (1.0 - 0.5 * t)),
    1.0 + t * t * (-2.5 + 1.5 * t),
    t * (0.5 + t * (2.0 - 1.5 * t)),
    t * t * (-0.5 + 0.5 * t),
  );
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let uv = P.src_origin + (pos.xy - P.origin) / P.size * P.src_extent - 0.5;
  let base = floor(uv);
  let wx = catmull_rom(uv.x - base.x);
  let wy = catmull_rom(uv.y - base.y);
  let last = vec2i(textureDimensions(frame)) - 1;
  var sum = vec3f(0.0);
  for (var j = 0; j < 4; j++) {
    var row = vec3f(0.0);
    for (var i = 0; i < 4; i++) {
      let c = clamp(vec2i(base) + vec2i(i - 1, j - 1), vec2i(0), last);
      row += textureLoad(frame, c, 0).rgb * wx[i];
    }
    sum += row * wy[j];
  }
  return vec4f(clamp(sum, vec3f(0.0), vec3f(1.0)), 1.0);
}
