// Which released model a source file holds, from its path. ncnn files carry no model name and
// pro models have the same graph as se ones, so the folder (models-se/-pro/-nose) decides;
// official .pth files have their own naming scheme, mapped here onto the ids of architecture.ts.

import { basename, dirname } from 'node:path';

/** `.../models-pro/up3x-denoise3x.param` -> `pro/up3x-denoise3x`, or undefined. */
export function idFromNcnnPath(path: string): string | undefined {
  const folder = /^models-(se|pro|nose)$/.exec(basename(dirname(path)));
  const name = /^(up[234]x-[a-z0-9-]+)\.(param|bin)$/.exec(basename(path));
  return folder && name ? `${folder[1]}/${name[1]}` : undefined;
}

/**
 * Official Real-CUGAN .pth names -> ids: `up2x-latest-conservative.pth` -> `se/up2x-conservative`,
 * `pro-denoise3x-up3x.pth` -> `pro/up3x-denoise3x`. A plain `up2x-conservative.pth` counts as se.
 */
export function idFromPthName(path: string): string | undefined {
  const file = basename(path).replace(/\.(pth|pt)$/i, '');
  let m = /^(up[234]x)-latest-([a-z0-9-]+)$/.exec(file);
  if (m) return `se/${m[1]}-${m[2]}`;
  m = /^pro-([a-z0-9-]+)-(up[234]x)$/.exec(file);
  if (m) return `pro/${m[2]}-${m[1]}`;
  m = /^(up[234]x-[a-z0-9-]+)$/.exec(file);
  if (m) return `se/${m[1]}`;
  return undefined;
}

/** `se/up2x-conservative` -> `se` (the id's family: se, pro or nose). */
export const familyOf = (id: string): string => id.split('/')[0] ?? '';
