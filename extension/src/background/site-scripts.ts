// Sites where the filter starts by itself: those the viewer turned on AND granted access to
// (an optional host permission, asked for by the popup). For them one registered content script
// (all frames) runs at document_idle; everywhere else the content script only ever runs when
// injected through activeTab (the popup or the shortcut, on the viewer's gesture).

import { readSites } from '../shared/settings.js';

const SCRIPT_ID = 'cugan-sites';

export async function syncSiteScripts(): Promise<void> {
  const [sites, granted] = await Promise.all([readSites(), chrome.permissions.getAll()]);
  const origins = new Set(granted.origins ?? []);
  const matches = Object.keys(sites).map((o) => `${o}/*`).filter((m) => origins.has(m));
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
  if (!matches.length) return;
  await chrome.scripting.registerContentScripts([
    { id: SCRIPT_ID, matches, js: ['content.js'], allFrames: true, matchOriginAsFallback: true, runAt: 'document_idle', persistAcrossSessions: true, world: 'ISOLATED' },
  ]);
}
