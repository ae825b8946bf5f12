// The frame-reuse state shared by frame-diff.wgsl and reuse-gate.wgsl (and read back for the
// stats: the first eight words). `changed` is also raised by the CPU to force a full run.
struct ReuseState {
  changed: atomic<u32>,
  frames: u32,      // frames seen
  computed: u32,    // frames run in full
  regions: u32,     // frames run as changed tiles only
  tiles_run: u32,   // tiles run by those frames, together
  _p0: u32, _p1: u32, _p2: u32,
  tile_changed: array<atomic<u32>>,
}
