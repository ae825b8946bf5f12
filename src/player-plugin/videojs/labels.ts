// Every text the plugin shows, in English. Each goes through player.localize(), so a page
// translates them the video.js way, before creating the player:
//   videojs.addLanguage('fr', { 'Upscale: on': 'Amélioration : activée', 'Denoise 3x': 'Débruitage 3x' });
// In the two error texts {1} stands for the error's message; in the loading text, for the
// downloaded share ("42%", or megabytes when the size is unknown).

import type { Denoise } from '../../runtime/options.js';

export const LABELS = {
  on: 'Upscale: on',
  off: 'Upscale: off',
  stopped: 'Upscaling stopped: {1}',
  unavailable: 'Upscaling is not available: {1}',
  loading: 'Loading the upscaling model: {1}',
  settings: 'Upscale settings',
  scale: 'Scale',
  auto: 'Auto',
  denoise: 'Denoise',
  pro: 'Pro',
  off_: 'Off',
  on_: 'On',
  strength: 'Strength',
} as const;

export const DENOISE_LABELS: Readonly<Record<Denoise, string>> = {
  'no-denoise': 'No denoise',
  conservative: 'Conservative',
  denoise1x: 'Denoise 1x',
  denoise2x: 'Denoise 2x',
  denoise3x: 'Denoise 3x',
};

/** Every key a translation may provide (the scale and strength labels "2x", "1.15"... too). */
export const LABEL_KEYS: readonly string[] = [
  ...Object.values(LABELS),
  ...Object.values(DENOISE_LABELS),
  '2x', '3x', '4x', '0.75', '1.0', '1.15', '1.3',
];
