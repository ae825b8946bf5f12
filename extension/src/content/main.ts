// The content script (injected into every frame of a tab where the viewer turned the filter on:
// by the popup or the shortcut through activeTab, or on its own where the viewer granted the site).
// It runs in Chrome's isolated world: the page's scripts cannot see its variables, the library,
// the models or the GPU device. Injected twice (a new iframe makes the worker inject again), the
// second run does nothing.

import { isolateStorage } from './isolate-storage.js';
import { PageController } from './page.js';
import { readSettings, readSites, siteOf, STORAGE_KEYS } from '../shared/settings.js';

const ONCE = Symbol.for('cugan-webgpu-extension');

async function main(): Promise<void> {
  await isolateStorage();
  const site = siteOf(location.href) ?? siteOf(document.referrer); // about:srcdoc frames: their parent's site
  const page = new PageController(document, await readSettings(), chrome.runtime.getURL('models/'));
  const apply = async () => {
    const [sites, settings] = await Promise.all([readSites(), readSettings()]);
    page.setSettings(settings);
    page.setSiteOn(site !== null && sites[site] === true);
  };
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && (STORAGE_KEYS.sites in changes || STORAGE_KEYS.settings in changes)) void apply();
  });
  await apply();
}

const g = globalThis as { [ONCE]?: true };
if (!g[ONCE]) {
  Object.defineProperty(g, ONCE, { value: true });
  void main();
}
