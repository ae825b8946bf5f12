// The converted models (npm run weights) the GPU tests load.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODELS_DIR = process.env.CUGAN_MODELS ?? fileURLToPath(new URL('../../models/', import.meta.url));
export const modelsAvailable = (id = 'se/up2x-conservative') => existsSync(`${MODELS_DIR}/${id}.f32.cugan`);
