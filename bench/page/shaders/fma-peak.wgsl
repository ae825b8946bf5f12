// FMA throughput microbenchmark: the adapter's achievable f32 peak, the yardstick for "% of peak".
// Independent vec4 accumulators per invocation keep every lane's FMA pipeline busy; the
// multiplier and addend come from a uniform so nothing can be folded at compile time, and the
// result is written out so nothing is dead. Three entry points with 4, 8 and 16 accumulators
// (register pressure differs per adapter): the bench takes the fastest.
// FLOPs = invocations * iterations * accumulators * 4 * 2.

struct Params {
  iterations: u32,
  _pad: u32,
  m: f32,
  c: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-6;
  let m = vec4<f32>(params.m);
  let c = vec4<f32>(params.c);
  var a0 = vec4<f32>(s + 0.00, s + 0.10, s + 0.20, s + 0.30);
  var a1 = vec4<f32>(s + 0.01, s + 0.11, s + 0.21, s + 0.31);
  var a2 = vec4<f32>(s + 0.02, s + 0.12, s + 0.22, s + 0.32);
  var a3 = vec4<f32>(s + 0.03, s + 0.13, s + 0.23, s + 0.33);
  for (var i = 0u; i < params.iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
  }
  sink[gid.x] = a0 + a1 + a2 + a3;
}

@compute @workgroup_size(64)
fn main8(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-6;
  let m = vec4<f32>(params.m);
  let c = vec4<f32>(params.c);
  var a0 = vec4<f32>(s + 0.00, s + 0.10, s + 0.20, s + 0.30);
  var a1 = vec4<f32>(s + 0.01, s + 0.11, s + 0.21, s + 0.31);
  var a2 = vec4<f32>(s + 0.02, s + 0.12, s + 0.22, s + 0.32);
  var a3 = vec4<f32>(s + 0.03, s + 0.13, s + 0.23, s + 0.33);
  var a4 = vec4<f32>(s + 0.04, s + 0.14, s + 0.24, s + 0.34);
  var a5 = vec4<f32>(s + 0.05, s + 0.15, s + 0.25, s + 0.35);
  var a6 = vec4<f32>(s + 0.06, s + 0.16, s + 0.26, s + 0.36);
  var a7 = vec4<f32>(s + 0.07, s + 0.17, s + 0.27, s + 0.37);
  for (var i = 0u; i < params.iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
  }
  sink[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

@compute @workgroup_size(64)
fn main16(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-6;
  let m = vec4<f32>(params.m);
  let c = vec4<f32>(params.c);
  var a0 = vec4<f32>(s + 0.00, s + 0.10, s + 0.20, s + 0.30);
  var a1 = vec4<f32>(s + 0.01, s + 0.11, s + 0.21, s + 0.31);
  var a2 = vec4<f32>(s + 0.02, s + 0.12, s + 0.22, s + 0.32);
  var a3 = vec4<f32>(s + 0.03, s + 0.13, s + 0.23, s + 0.33);
  var a4 = vec4<f32>(s + 0.04, s + 0.14, s + 0.24, s + 0.34);
  var a5 = vec4<f32>(s + 0.05, s + 0.15, s + 0.25, s + 0.35);
  var a6 = vec4<f32>(s + 0.06, s + 0.16, s + 0.26, s + 0.36);
  var a7 = vec4<f32>(s + 0.07, s + 0.17, s + 0.27, s + 0.37);
  var a8 = vec4<f32>(s + 0.08, s + 0.18, s + 0.28, s + 0.38);
  var a9 = vec4<f32>(s + 0.09, s + 0.19, s + 0.29, s + 0.39);
  var a10 = vec4<f32>(s + 0.10, s + 0.20, s + 0.30, s + 0.40);
  var a11 = vec4<f32>(s + 0.11, s + 0.21, s + 0.31, s + 0.41);
  var a12 = vec4<f32>(s + 0.12, s + 0.22, s + 0.32, s + 0.42);
  var a13 = vec4<f32>(s + 0.13, s + 0.23, s + 0.33, s + 0.43);
  var a14 = vec4<f32>(s + 0.14, s + 0.24, s + 0.34, s + 0.44);
  var a15 = vec4<f32>(s + 0.15, s + 0.25, s + 0.35, s + 0.45);
  for (var i = 0u; i < params.iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
    a8 = fma(a8, m, c);
    a9 = fma(a9, m, c);
    a10 = fma(a10, m, c);
    a11 = fma(a11, m, c);
    a12 = fma(a12, m, c);
    a13 = fma(a13, m, c);
    a14 = fma(a14, m, c);
    a15 = fma(a15, m, c);
  }
  sink[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
}
