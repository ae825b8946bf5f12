// Every failure the library reports is a CuganError with a stable `code`, so a player can
// decide what to show (and keep the plain video playing) without parsing messages.

export type CuganErrorCode =
  | 'WEIGHTS_CORRUPT' // a weights file that cannot be parsed (truncated, wrong magic, bad tag, failed checksum, old format)
  | 'WEIGHTS_SHAPE' // a tensor whose shape does not fit the Real-CUGAN architecture
  | 'WEIGHTS_NOT_FOUND' // a model file that is missing (HTTP 404 or another error status, network failure, no such file)
  | 'WEIGHTS_TIMEOUT' // a model download that did not finish within `modelTimeoutMs`
  | 'WEIGHTS_HASH' // a downloaded model whose size or SHA-256 differs from the manifest's
  | 'MODEL_UNKNOWN' // a model id that is not one of the released models
  | 'FRAME_EMPTY' // a 0-width or 0-height source
  | 'FRAME_TOO_LARGE' // a source whose buffers exceed the device's limits
  | 'BAD_IMAGE' // a file or buffer that is not a decodable image
  | 'BAD_OPTION' // an option of the wrong type or out of range
  | 'NO_WEBGPU' // no navigator.gpu / webgpu module, or no adapter
  | 'TAINTED_SOURCE' // a cross-origin frame without CORS
  | 'DEVICE_LOST' // the GPU device was lost
  | 'MEDIA_ERROR' // the video element itself failed (decode or network error); upscaling resumes when it plays
  | 'DESTROYED'; // the upscaler was used after destroy()

export class CuganError extends Error {
  readonly code: CuganErrorCode;
  constructor(code: CuganErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CuganError';
    this.code = code;
  }
}
