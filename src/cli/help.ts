// What `cugan --help` and its usage errors print. Written for the package's users (npx), not for
// this repository's developers.

import { DEFAULT_MODEL, DEFAULT_NAME } from './args.js';
import { DEFAULT_QUALITY, INPUT_FORMATS_TEXT } from './image-io.js';

export const CONVERT_HINT = 'npx cugan-weights --out DIR SOURCE…';

export const USAGE = `Usage:
  cugan upscale [options] <in> <out>          upscale one image (- for stdin or stdout)
  cugan upscale [options] -o <dir> <in>...    upscale images and folders of images into <dir>
  cugan models [--models <dir>]               list the models and which are installed where
  cugan --help | --version`;

const UPSCALE_OPTIONS = `Options:
  -m, --model <id>        model id (default ${DEFAULT_MODEL}); see \`cugan models\`
  -a, --alpha <x>         enhancement strength, official range 0.75-1.3 (default 1)
  -x, --tta               test-time augmentation: average 8 flipped/transposed runs (8x slower)
  -o, --out-dir <dir>     write each input image into this existing folder
  -n, --name <pattern>    file names in <dir> (default ${DEFAULT_NAME}): {name} the input's name
                          without its extension, {ext} the format's, {model}, {scale}
  -f, --format <f>        png, webp, jpeg or avif, where no file name says it: stdout, {ext}
                          (default png; otherwise <out>'s extension decides)
      --quality <1-100>   JPEG, WebP and AVIF quality (default ${DEFAULT_QUALITY})
      --json              one line of JSON per image on stdout: model, sizes, precision,
                          adapter, kernels (the set, and per layer class), seconds
      --precision <p>     f32 (default: the official pixels), f16 (half-float feature maps:
                          less memory, not exactly the official pixels) or auto (f16 where the
                          adapter has shader-f16)
      --models <dir>      folder of converted models (default $CUGAN_MODELS, else the
                          package's models/)
      --tile-mb <MiB>     GPU memory for one pass (default 2048, and the device's buffer limits);
                          larger images run as tiles, with the same pixels
  -h, --help              this help`;

const ABOUT_FILES = `Images in: ${INPUT_FORMATS_TEXT}; JPEG decoded by libjpeg-turbo, as the official
tools do; colour values as stored (no colour profile or EXIF rotation applied); transparency
dropped. Images out: RGB PNG, WebP, JPEG or AVIF, by <out>'s extension. A folder's images are
found by their extensions; progress goes to stderr.`;

export const UPSCALE_HELP = `Usage:
  cugan upscale [options] <in> <out>
  cugan upscale [options] -o <dir> <in>...

Upscales images with Real-CUGAN on the GPU (WebGPU). <in> may be a folder (then <out> is the
output folder).

${UPSCALE_OPTIONS}

${ABOUT_FILES}`;

export const MODELS_HELP = `Usage: cugan models [--models <dir>]

Lists the model ids, one a line, with the precisions installed in the models folder
(--models <dir>, else $CUGAN_MODELS, else the package's models/). Install models with:
  ${CONVERT_HINT}`;

export const HELP = `cugan - Real-CUGAN anime image upscaler on WebGPU

${USAGE}

${UPSCALE_OPTIONS}

${ABOUT_FILES}

Models are converted from the released Real-CUGAN weights with:
  ${CONVERT_HINT}
On Linux without a GPU, cugan falls back to SwiftShader (software, slow) when Debian's chromium
package is installed.`;

/** The one line printed under a usage error. */
export function usageHint(topic?: 'upscale' | 'models'): string {
  return topic ? `Run \`cugan ${topic} --help\` for its usage and options.` : 'Run `cugan --help` for the usage.';
}
