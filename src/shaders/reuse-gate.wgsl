// Frame reuse, step 2 (one invocation, after frame-diff.wgsl): writes the indirect dispatch
// arguments of every later pass of the frame: their full sizes if the input changed, zero
// workgroups if not (the passes then do nothing and the output texture keeps the last frame).
// Resets the flag for the next frame and counts frames / computed frames for the stats.

struct ReuseState { changed: u32, frames: u32, computed: u32, _p: u32 }
struct GateParams { passes: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<uniform> P: GateParams;
@group(0) @binding(1) var<storage, read> full: array<u32>;        // [passes][3]
@group(0) @binding(2) var<storage, read_write> args: array<u32>;  // [passes][3]
@group(0) @binding(3) var<storage, read_write> state: ReuseState;

@compute @workgroup_size(1, 1, 1)
fn main() {
  let run = state.changed != 0u;
  for (var i = 0u; i < P.passes * 3u; i++) {
    args[i] = select(0u, full[i], run);
  }
  state.changed = 0u;
  state.frames += 1u;
  state.computed += select(0u, 1u, run);
}
