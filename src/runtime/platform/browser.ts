// The browser host: navigator.gpu, and models over HTTP (platform.ts).

import type { Platform } from './platform.js';

export const platform: Platform = {};
