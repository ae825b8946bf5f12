// The ONNX peer graphs (../shared/peers, see its README) and what they take: NCHW float32 in
// 0..1, reflect-padded by 18 pixels; they output NCHW float32 0..1 at 2x. Shared by the bench
// page (browser) and the GPU bench (Node): no DOM or Node imports here.

export const PEER_PAD = 18;

/** The peer graph files by input size; their model is se/up2x-no-denoise. */
export const PEER_FILES: Record<string, string> = {
  '64x64': 'realcugan_se_up2x-no-denoise_64x64.onnx',
  '128x128': 'realcugan_se_up2x-no-denoise_128x128.onnx',
  '256x256': 'realcugan_se_up2x-no-denoise_256x256.onnx',
  '960x540': 'realcugan_se_up2x-no-denoise_960x540.onnx',
};
export const PEER_MODEL = 'se/up2x-no-denoise';

const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);

/** RGBA pixels (w x h) as the graph's input. */
export function peerInput(rgba: Uint8Array, w: number, h: number): Float32Array<ArrayBuffer> {
  const wp = w + 2 * PEER_PAD;
  const hp = h + 2 * PEER_PAD;
  const x = new Float32Array(3 * wp * hp);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < hp; y++) {
      const sy = reflect(y - PEER_PAD, h);
      for (let xx = 0; xx < wp; xx++) {
        x[(c * hp + y) * wp + xx] = rgba[(sy * w + reflect(xx - PEER_PAD, w)) * 4 + c]! / 255;
      }
    }
  }
  return x;
}

/**
 * The peer's output (NCHW 0..1, 2w x 2h) against ours (HWC RGB 0..255, unrounded): the largest
 * difference in 0..255 and how many 8-bit values differ after rounding.
 */
export function comparePeer(peer: Float32Array, ours: Float32Array, outW: number, outH: number): { maxAbsDiff255: number; bytesOff: number } {
  let maxAbsDiff255 = 0;
  let bytesOff = 0;
  const q = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < outW * outH; p++) {
      const a = peer[c * outW * outH + p]! * 255;
      const b = ours[p * 3 + c]!;
      maxAbsDiff255 = Math.max(maxAbsDiff255, Math.abs(a - b));
      if (q(a) !== q(b)) bytesOff++;
    }
  }
  return { maxAbsDiff255, bytesOff };
}
