// Squeeze-excitation: the per-channel mean over the WHOLE feature map, two small fully
// connected layers (ReLU, sigmoid), giving one scale per channel. The scale is not applied
// here: the kernels that read the feature multiply it in as they load (conv-io.wgsl).
// With ALPHA the scale also carries the `alpha` strength knob (UNet2's fourth block).
// One workgroup does it all: the map is read once and the FC layers are tiny.

struct SeParams { off: u32, row: u32, w: u32, h: u32, c4: u32, _p0: u32, _p1: u32, _p2: u32 }
struct Alpha { value: f32, _p0: f32, _p1: f32, _p2: f32 }

@group(0) @binding(0) var<uniform> P: SeParams;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read> w1: array<f32>;  // [C/8][C]
@group(0) @binding(3) var<storage, read> b1: array<f32>;  // [C/8]
@group(0) @binding(4) var<storage, read> w2: array<f32>;  // [C][C/8]
@group(0) @binding(5) var<storage, read> b2: array<f32>;  // [C]
@group(0) @binding(6) var<storage, read_write> scale: array<f32>; // [C]
#if ALPHA
@group(0) @binding(7) var<uniform> alpha: Alpha;
#endif

const THREADS = 256u;
var<workgroup> partial: array<vec4f, THREADS>;
var<workgroup> mean: array<f32, 256>;
var<workgroup> hidden: array<f32, 32>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_index) t: u32) {
  let c4 = P.c4;
  let lanes = THREADS / c4; // c4 is 16 or 32 here
  let g = t % c4;
  let lane = t / c4;
  var sum = vec4f(0.0);
  let n = P.w * P.h;
  if (lane < lanes) {
    for (var i = lane; i < n; i += lanes) {
      let y = i / P.w;
      let x = i - y * P.w;
      sum += src[P.off + (y * P.row + x) * c4 + g];
    }
  }
  partial[t] = sum;
  workgroupBarrier();
  if (t < c4) {
    var total = vec4f(0.0);
    for (var l = 0u; l < lanes; l++) { total += partial[l * c4 + t]; }
    let m = total / f32(n);
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
    s = s * alpha.value;
#endif
    scale[t] = s;
  }
}
