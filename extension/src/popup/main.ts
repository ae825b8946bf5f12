// The popup: on/off for the active tab's site (remembered), optional start-by-itself access for
// it, the filter settings, and live figures of the tab's videos (from the reports the worker
// keeps in chrome.storage.session). Opening it is the viewer's gesture: activeTab lets it
// inject the content script into the tab.

import { chooseModel, denoiseLevels, MANIFEST_FILE, readManifest, type Denoise, type ScaleChoice } from '../lib.js';
import { COMMAND_TOGGLE, injectInto } from '../shared/inject.js';
import { statusKey, type TabStatus, type VideoReport } from '../shared/messages.js';
import { describe } from '../shared/reasons.js';
import { readSettings, readSites, setSite, siteOf, writeSettings, type FilterSettings } from '../shared/settings.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  siteOn: $<HTMLInputElement>('site-on'),
  siteAuto: $<HTMLInputElement>('site-auto'),
  siteName: $('site-name'),
  siteNote: $('site-note'),
  scale: $<HTMLSelectElement>('scale'),
  denoise: $<HTMLSelectElement>('denoise'),
  pro: $<HTMLInputElement>('pro'),
  alpha: $<HTMLInputElement>('alpha'),
  alphaValue: $<HTMLOutputElement>('alpha-value'),
  adaptive: $<HTMLInputElement>('adaptive'),
  modelNote: $('model-note'),
  summary: $('summary'),
  videos: $<HTMLUListElement>('videos'),
  shortcut: $('shortcut'),
};

const note = (el: HTMLElement, text: string) => {
  el.textContent = text;
  el.hidden = !text;
};

/** The model ids packed in this extension (its models/manifest.json, f16 files). */
async function packedModels(): Promise<Set<string>> {
  try {
    const manifest = readManifest(await (await fetch(chrome.runtime.getURL(`models/${MANIFEST_FILE}`))).json(), MANIFEST_FILE);
    return new Set(manifest.models.filter((m) => m.dtype === 'f16').map((m) => m.id));
  } catch {
    return new Set();
  }
}

const option = (value: string, text = value) => Object.assign(document.createElement('option'), { value, textContent: text });

function renderSettings(s: FilterSettings, packed: Set<string>): void {
  if (!ui.scale.options.length) ui.scale.append(...(['auto', 2, 3, 4] as const).map((k) => option(String(k), k === 'auto' ? k : `${k}x`)));
  ui.scale.value = String(s.scale);
  const scales = s.scale === 'auto' ? ([2, 3, 4] as const) : [s.scale];
  const levels = denoiseLevels(scales[0], s.pro);
  ui.denoise.replaceChildren(
    ...levels.map((d) => {
      const missing = scales.filter((k) => !packed.has(chooseModel({ denoise: d, pro: s.pro }, k)));
      return option(d, missing.length === scales.length ? `${d} (not packed)` : d);
    }),
  );
  ui.denoise.value = levels.includes(s.denoise) ? s.denoise : 'conservative';
  ui.pro.checked = s.pro;
  ui.alpha.value = String(s.alpha);
  ui.alphaValue.textContent = s.alpha.toFixed(2);
  ui.adaptive.checked = s.adaptive;
  const missing = scales.map((k) => chooseModel({ denoise: s.denoise, pro: s.pro }, k)).filter((id) => !packed.has(id));
  note(ui.modelNote, missing.length ? `Not packed in this build: ${missing.join(', ')}. Convert them with cugan-weights (see the README); those videos play unfiltered.` : '');
}

function videoLine(v: VideoReport): string {
  const size = `${v.sourceWidth}×${v.sourceHeight}`;
  switch (v.state) {
    case 'on':
      return `Upscaled ${size} → ${v.outputWidth}×${v.outputHeight} · ${v.model} · ${v.fps.toFixed(1)} fps · GPU ${v.gpuMs.toFixed(0)} ms · ${v.adapter}`;
    case 'starting':
      return `Starting ${size}${v.model ? ` · ${v.model}` : ''}…`;
    default:
      return `Not upscaled${v.code ? ` (${describe(v.code).badge || v.code})` : ''}: ${v.reason ?? 'unknown reason'}; it plays unfiltered.`;
  }
}

function renderStatus(status: TabStatus): void {
  const videos = Object.values(status).flatMap((f) => (f.siteOn ? f.videos : []));
  const on = videos.filter((v) => v.state === 'on').length;
  ui.summary.textContent = videos.length ? `${on} of ${videos.length} video${videos.length > 1 ? 's' : ''} upscaled.` : 'No video on this page yet.';
  ui.videos.replaceChildren(
    ...videos.map((v) => {
      const li = document.createElement('li');
      li.dataset.state = v.state;
      if (v.code) li.dataset.code = v.code;
      li.textContent = videoLine(v);
      return li;
    }),
  );
}

async function main(): Promise<void> {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const site = siteOf(tab?.url);
  const tabId = tab?.id;
  const [settings, sites, packed, commands] = await Promise.all([readSettings(), readSites(), packedModels(), chrome.commands.getAll()]);
  let current = settings;
  renderSettings(current, packed);

  const key = commands.find((c) => c.name === COMMAND_TOGGLE)?.shortcut;
  ui.shortcut.textContent = key ? `${key} turns it on or off for the site of the active tab.` : 'Set a shortcut for it in chrome://extensions/shortcuts.';

  if (!site || tabId === undefined) {
    ui.siteOn.disabled = ui.siteAuto.disabled = true;
    note(ui.siteNote, 'Not available on this page (only http and https pages).');
  } else {
    ui.siteName.textContent = new URL(site).host;
    ui.siteOn.checked = sites[site] === true;
    ui.siteAuto.checked = await chrome.permissions.contains({ origins: [`${site}/*`] });
    const inject = () => injectInto(tabId).catch((e: Error) => note(ui.siteNote, `Cannot run on this page: ${e.message}`));
    // Turned on earlier but not running in this tab yet (activeTab only): opening the popup is the gesture.
    if (ui.siteOn.checked) void inject();
    ui.siteOn.addEventListener('change', async () => {
      await setSite(site, ui.siteOn.checked);
      if (ui.siteOn.checked) await inject();
    });
    ui.siteAuto.addEventListener('change', async () => {
      const origins = [`${site}/*`];
      // The request may close the popup (its prompt takes the focus); the worker registers the script on onAdded.
      if (ui.siteAuto.checked) ui.siteAuto.checked = await chrome.permissions.request({ origins }).catch(() => false);
      else await chrome.permissions.remove({ origins });
    });
  }

  const change = async (c: Partial<FilterSettings>) => {
    current = { ...current, ...c };
    renderSettings(current, packed);
    await writeSettings(c);
  };
  ui.scale.addEventListener('change', () => void change({ scale: (ui.scale.value === 'auto' ? 'auto' : Number(ui.scale.value)) as ScaleChoice }));
  ui.denoise.addEventListener('change', () => void change({ denoise: ui.denoise.value as Denoise }));
  ui.pro.addEventListener('change', () => void change({ pro: ui.pro.checked }));
  ui.alpha.addEventListener('input', () => (ui.alphaValue.textContent = Number(ui.alpha.value).toFixed(2)));
  ui.alpha.addEventListener('change', () => void change({ alpha: Number(ui.alpha.value) }));
  ui.adaptive.addEventListener('change', () => void change({ adaptive: ui.adaptive.checked }));

  if (tabId !== undefined) {
    const k = statusKey(tabId);
    renderStatus(((await chrome.storage.session.get(k))[k] as TabStatus | undefined) ?? {});
    chrome.storage.session.onChanged.addListener((changes) => {
      if (k in changes) renderStatus((changes[k]!.newValue as TabStatus | undefined) ?? {});
    });
  }
  document.body.dataset.ready = 'true';
}

void main();
