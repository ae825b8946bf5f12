// What the viewer chose, kept in chrome.storage.local (the extension's own storage: page scripts
// never see it): the filter settings, shared by every site, and the sites it is turned on for.

import type { Denoise, ScaleChoice } from '../lib.js';

export interface FilterSettings {
  scale: ScaleChoice;
  denoise: Denoise;
  pro: boolean;
  /** Enhancement strength (the library's `alpha`), 0.75-1.3. */
  alpha: number;
  adaptive: boolean;
}

export const DEFAULT_SETTINGS: Readonly<FilterSettings> = { scale: 'auto', denoise: 'conservative', pro: false, alpha: 1, adaptive: false };

export const STORAGE_KEYS = {
  settings: 'settings',
  /** Record<origin, true>: the sites the filter is on for. */
  sites: 'sites',
  /** The library's own small state (kernel choice per adapter, adaptive tiers), see content/isolate-storage.ts. */
  libraryState: 'libraryState',
} as const;

export type Sites = Record<string, true>;

/** The origin a site is remembered by (http and https pages only). */
export function siteOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export async function readSettings(): Promise<FilterSettings> {
  const got = await chrome.storage.local.get(STORAGE_KEYS.settings);
  return { ...DEFAULT_SETTINGS, ...(got[STORAGE_KEYS.settings] as Partial<FilterSettings> | undefined) };
}

export async function writeSettings(change: Partial<FilterSettings>): Promise<void> {
  await chrome.storage.local.set({ [STORAGE_KEYS.settings]: { ...(await readSettings()), ...change } });
}

export async function readSites(): Promise<Sites> {
  const got = await chrome.storage.local.get(STORAGE_KEYS.sites);
  return (got[STORAGE_KEYS.sites] as Sites | undefined) ?? {};
}

export async function setSite(origin: string, on: boolean): Promise<void> {
  const sites = await readSites();
  if (on) sites[origin] = true;
  else delete sites[origin];
  await chrome.storage.local.set({ [STORAGE_KEYS.sites]: sites });
}
