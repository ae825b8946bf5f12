// The toolbar badge of a tab: "ON" while any video of it is upscaled, else the short reason of a
// video that cannot be (CORS, DRM, GPU, BIG, ...), else nothing.

import type { TabStatus } from '../shared/messages.js';
import { describe } from '../shared/reasons.js';

export function badgeOf(status: TabStatus): { text: string; color: string } {
  const videos = Object.values(status).flatMap((f) => (f.siteOn ? f.videos : []));
  if (videos.some((v) => v.state === 'on')) return { text: 'ON', color: '#1a7f37' };
  const refused = videos.find((v) => (v.state === 'refused' || v.state === 'error' || v.state === 'paused') && v.code);
  if (refused) return { text: describe(refused.code).badge || '!', color: '#9a6700' };
  if (videos.some((v) => v.state === 'starting')) return { text: '…', color: '#0969da' };
  return { text: '', color: '#000000' };
}

export async function showBadge(tabId: number, status: TabStatus): Promise<void> {
  const { text, color } = badgeOf(status);
  await chrome.action.setBadgeText({ tabId, text }).catch(() => undefined); // the tab may be gone
  await chrome.action.setBadgeBackgroundColor({ tabId, color }).catch(() => undefined);
}
