// Running the content script in a tab, on the viewer's gesture (activeTab: the popup or the
// keyboard shortcut) or where the site was granted.

/** The `chrome.commands` shortcut that turns the filter on or off for the active tab's site. */
export const COMMAND_TOGGLE = 'toggle-site';

/** Injects the content script into every frame of a tab (a second injection does nothing). */
export async function injectInto(tabId: number): Promise<void> {
  await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, files: ['content.js'] });
}
