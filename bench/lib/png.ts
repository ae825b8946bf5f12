// RGBA pixels -> PNG bytes, synchronously (the bench's crops are encoded inside its scoring loop).
import { PNG } from 'pngjs';

export function encodeRgbaPng(width: number, height: number, data: Uint8Array | Uint8ClampedArray): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}
