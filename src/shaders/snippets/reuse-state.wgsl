// The frame-reuse state shared by frame-diff.wgsl and reuse-gate.wgsl (and read back for the
// stats: the first eight words).
// `changed` holds flags: INPUT_CHANGED from frame-diff.wgsl, RUN_WHOLE from the CPU (first
// frame, alpha changed, reuse back on): then every output pixel may differ, so no region rerun.
const INPUT_CHANGED = 1u;
const RUN_WHOLE = 2u;

struct ReuseState {
  changed: atomic<u32>,
  frames: u32,      // frames seen
  computed: u32,    // frames run in full
  regions: u32,     // frames run as changed tiles only
  tiles_run: u32,   // tiles run by those frames, together
  last_run: u32,    // how the last frame ran: 0 re-shown, 1 changed tiles, 2 whole
  _p1: u32, _p2: u32,
  tile_changed: array<atomic<u32>>,
}
