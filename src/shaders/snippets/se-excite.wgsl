// The excitation half of a squeeze-excitation block: from the per-channel means, two small
// fully connected layers (ReLU, sigmoid) give one scale per channel (with ALPHA, times the
// `alpha` strength). Shared by se.wgsl and se-fc.wgsl so both compute the same floats; their
// bindings w1, b1, w2, b2, scale and alpha are declared in programs/se.ts.

var<workgroup> mean: array<f32, 256>;
var<workgroup> hidden: array<f32, 32>;

// Invocations t < c4 pass their group's mean in `m`; every invocation must call it (barriers).
fn excite(t: u32, c4: u32, m: vec4f) {
  if (t < c4) {
    mean[t * 4u] = m.x;
    mean[t * 4u + 1u] = m.y;
    mean[t * 4u + 2u] = m.z;
    mean[t * 4u + 3u] = m.w;
  }
  workgroupBarrier();
  let c = c4 * 4u;
  let r = c / 8u;
  if (t < r) {
    var h = b1[t];
    for (var i = 0u; i < c; i++) { h += w1[t * c + i] * mean[i]; }
    hidden[t] = max(h, 0.0);
  }
  workgroupBarrier();
  if (t < c) {
    var z = b2[t];
    for (var j = 0u; j < r; j++) { z += w2[t * r + j] * hidden[j]; }
    var s = 1.0 / (1.0 + exp(-z));
#if ALPHA
    s = s * alpha.x;
#endif
    scale[t] = s;
  }
}
