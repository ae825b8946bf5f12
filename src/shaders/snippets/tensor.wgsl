// How feature-map tensors are stored. An element is one NHWC4 channel group. F32: vec4f (16 bytes). F16: the same layout in IEEE
// half floats, 8 bytes: pack2x16float of (x, y) and of (z, w), core WGSL on every adapter.
// F16_NATIVE (adapters with shader-f16): the same bytes as vec4<f16>, converted natively.
// Kernels load with unpack4 and store with pack4, so all arithmetic and sums stay f32.
// (`enable f16;` comes with the generated header: programs/tensor.ts.)

#if F16_NATIVE
alias Tensor4 = vec4<f16>;
fn unpack4(e: Tensor4) -> vec4f { return vec4f(e); }
fn pack4(v: vec4f) -> Tensor4 { return vec4<f16>(v); }
#elif F16
alias Tensor4 = vec2u;
fn unpack4(e: Tensor4) -> vec4f { return vec4f(unpack2x16float(e.x), unpack2x16float(e.y)); }
fn pack4(v: vec4f) -> Tensor4 { return vec2u(pack2x16float(v.xy), pack2x16float(v.zw)); }
#else
alias Tensor4 = vec4f;
fn unpack4(e: Tensor4) -> vec4f { return e; }
fn pack4(v: vec4f) -> Tensor4 { return v; }
#endif
