// The service worker: injects the content script where the viewer turned the filter on (the
// keyboard shortcut, new iframes of a tab injected through activeTab), keeps the registered
// content script in step with the sites granted, and keeps each tab's latest reports in
// chrome.storage.session for the popup and the badge. Nothing here talks to the network.

import { statusKey, type ContentMessage, type TabStatus } from '../shared/messages.js';
import { COMMAND_TOGGLE, injectInto } from '../shared/inject.js';
import { readSites, setSite, siteOf, STORAGE_KEYS } from '../shared/settings.js';
import { showBadge } from './badge.js';
import { syncSiteScripts } from './site-scripts.js';

// Reports of the content scripts, one per frame, serialised per tab (storage.session is read-modify-write).
const queues = new Map<number, Promise<void>>();
function onReport(tabId: number, frameId: number, report: TabStatus[string]): void {
  const prev = queues.get(tabId) ?? Promise.resolve();
  const next = prev.then(async () => {
    const key = statusKey(tabId);
    const status = ((await chrome.storage.session.get(key))[key] as TabStatus | undefined) ?? {};
    status[String(frameId)] = report;
    await chrome.storage.session.set({ [key]: status });
    await showBadge(tabId, status);
  }).catch(() => undefined);
  queues.set(tabId, next);
}

chrome.runtime.onMessage.addListener((message: ContentMessage, sender) => {
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.id !== chrome.runtime.id) return;
  if (message.type === 'cugan:report') onReport(tabId, sender.frameId ?? 0, message.report);
  else if (message.type === 'cugan:inject-frames') void injectInto(tabId).catch(() => undefined);
});

chrome.commands.onCommand.addListener(async (command, tab) => {
  if (command !== COMMAND_TOGGLE || tab?.id === undefined) return;
  const site = siteOf(tab.url);
  if (!site) return;
  const on = !(await readSites())[site];
  await setSite(site, on);
  if (on) await injectInto(tab.id).catch(() => undefined); // activeTab: the shortcut is the viewer's gesture
});

// A tab that navigates or closes: its old reports are gone.
chrome.tabs.onUpdated.addListener((tabId, info) => {
  if (info.status === 'loading') void chrome.storage.session.remove(statusKey(tabId)).then(() => showBadge(tabId, {}));
});
chrome.tabs.onRemoved.addListener((tabId) => void chrome.storage.session.remove(statusKey(tabId)));

chrome.permissions.onAdded.addListener(() => void syncSiteScripts());
chrome.permissions.onRemoved.addListener(() => void syncSiteScripts());
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && STORAGE_KEYS.sites in changes) void syncSiteScripts();
});
chrome.runtime.onInstalled.addListener(() => void syncSiteScripts());
