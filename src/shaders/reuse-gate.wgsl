// Frame reuse, step 2 (after frame-diff.wgsl): writes the indirect dispatch arguments of every
// later pass of the frame. Nothing changed: zero workgroups everywhere (the passes do nothing
// and the output texture keeps the last frame). Some tiles changed and rerunning them costs
// less than the whole frame (at most `max_tiles`): only those tiles' passes get their sizes.
// Otherwise (or when the CPU asked for RUN_WHOLE) the whole-frame passes run. Then it resets
// the flags and counts for the stats (and how this frame ran, for its stage times).
// The ReuseState struct and its flags are generated from programs/reuse.ts.

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(local_invocation_index) li: u32) {
  // Every invocation counts the (few) changed tiles itself, so all decide alike.
  var n = 0u;
  for (var t = 0u; t < P.tiles; t++) {
    n += select(0u, 1u, atomicLoad(&state.tile_changed[t]) != 0u);
  }
  let flags = atomicLoad(&state.changed);
  let regions = flags == INPUT_CHANGED && n > 0u && n <= P.max_tiles;
  let whole = flags != 0u && !regions;
  for (var i = li; i < P.passes * 3u; i += WG_X) {
    args[i] = select(0u, full[i], whole);
  }
  let base = P.passes * 3u;
  let per = P.tile_passes * 3u;
  for (var i = li; i < P.tiles * per; i += WG_X) {
    let run = regions && atomicLoad(&state.tile_changed[i / per]) != 0u;
    args[base + i] = select(0u, full[base + i], run);
  }
  // Every read of the flags above happens before any reset below.
  storageBarrier();
  for (var t = li; t < P.tiles; t += WG_X) {
    atomicStore(&state.tile_changed[t], 0u);
  }
  if (li == 0u) {
    atomicStore(&state.changed, 0u);
    state.frames += 1u;
    state.computed += select(0u, 1u, whole);
    state.regions += select(0u, 1u, regions);
    state.tiles_run += select(0u, n, regions);
    state.last_run = select(select(0u, 1u, regions), 2u, whole);
  }
}
