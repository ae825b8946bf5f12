// GPU ms of each timed pass of one submitted frame, from timestamp queries. Shared by the bench
// page (browser) and bench/profile-passes.ts (Node): no Node or DOM imports here.

/**
 * Records one frame with `encode`, which writes begin/end timestamps of pass i at query
 * indices 2i, 2i+1 of `querySet` (room for `maxPasses`) and returns what it timed; submits it
 * and resolves with that result and each pass's GPU ms.
 */
export async function timePasses<T extends { length: number }>(
  device: GPUDevice,
  maxPasses: number,
  encode: (encoder: GPUCommandEncoder, querySet: GPUQuerySet) => T,
): Promise<{ timed: T; ms: number[] }> {
  const count = 2 * maxPasses;
  const querySet = device.createQuerySet({ type: 'timestamp', count });
  const resolve = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    const timed = encode(enc, querySet);
    const n = timed.length;
    if (n > maxPasses) throw new Error(`internal: ${n} passes timed, room for ${maxPasses}`);
    enc.resolveQuerySet(querySet, 0, 2 * n, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16 * n);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const t = new BigUint64Array(read.getMappedRange(), 0, 2 * n);
    const ms = Array.from({ length: n }, (_, i) => Number(t[2 * i + 1]! - t[2 * i]!) / 1e6);
    read.unmap();
    return { timed, ms };
  } finally {
    read.destroy();
    resolve.destroy();
    querySet.destroy();
  }
}
