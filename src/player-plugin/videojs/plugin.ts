// The video.js plugin: `registerUpscalePlugin(videojs)` registers an advanced plugin `upscale`;
// `player.upscale(options)` puts an UpscaleController on the player's <video> (its canvas lands
// right after the video, so video.js's caption display and control bar stay above it), adds a
// toggle button and a settings menu to the control bar, a keyboard shortcut, and remembers the
// viewer's choices in localStorage. Later `player.upscale()` calls return the same instance.
//
//   import videojs from 'video.js';
//   import { registerUpscalePlugin } from 'cugan-webgpu/videojs';
//   registerUpscalePlugin(videojs);
//   const player = videojs('video', { html5: { nativeTextTracks: false } });
//   player.upscale({ denoise: 'conservative' });
//   player.on('upscale:error', (_e, { error }) => console.warn(error.code, error.message));
//
// Captions: create the player with `html5: { nativeTextTracks: false }` so video.js draws cues
// itself in `.vjs-text-track-display`, above the canvas. With native text tracks (Safari's
// default) the browser draws them inside the <video>, under the canvas (a warning is logged).
//
// Events on the player (listener(event, detail)): the `upscale:*` events of
// src/runtime/video/events.ts, each triggered once on the player. The video keeps playing
// whatever fails.

import { CuganError } from '../../runtime/errors.js';
import { checkPluginOptions, type VideoUpscaleOptions } from '../../runtime/options.js';
import type { UpscaleEventDetails, UpscaleEventType } from '../../runtime/video/events.js';
import { webgpuSupport } from '../../runtime/video/gpu-session.js';
import type { UpscaleProgress, UpscaleStats } from '../../runtime/video/types.js';
import { NO_STATS } from '../../runtime/video/video-stats.js';
import { UpscaleController } from '../controller.js';
import type { UpscalePlugin, UpscalePluginOptions } from './api.js';
import { listenHotkey } from './hotkey.js';
import { registerSettingsMenu, type SettingsMenuComponent } from './settings-menu.js';
import { loadChoices, pickChoices, saveChoices, type UpscaleChoices } from './storage.js';
import { injectStyles } from './styles.js';
import { registerToggleButton, type ToggleButtonComponent } from './toggle-button.js';
import { videojsFunction, type Component, type Player, type PluginClass, type VideoJs, type VideoJsModule } from './vjs-types.js';

export type { UpscalePlugin, UpscalePluginOptions, UpscaleListener } from './api.js';
export type { UpscaleChoices } from './storage.js';
export { DENOISE_LABELS, LABEL_KEYS, LABELS } from './labels.js';

export const PLUGIN_NAME = 'upscale';
export const DEFAULT_STORAGE_KEY = 'cugan-webgpu';
export const DEFAULT_HOTKEY = 'u';

const DEFAULT_CHOICES: UpscaleChoices = { enabled: true, scale: 'auto', denoise: 'conservative', pro: false, alpha: 1 };

const TECH_EVENTS = ['ready', 'loadstart', 'playerreset'];

/**
 * Registers the `upscale` plugin and its components ('UpscaleToggle', 'UpscaleMenuButton') with
 * this videojs (the page's own copy; none is bundled). Calling it again does nothing.
 */
export function registerUpscalePlugin(videojsOrModule: VideoJs | VideoJsModule): void {
  const videojs = videojsFunction(videojsOrModule);
  if (videojs.getPlugin(PLUGIN_NAME)) return;
  registerToggleButton(videojs);
  registerSettingsMenu(videojs);
  const Plugin = videojs.getPlugin('plugin') as PluginClass;

  class UpscaleVideojsPlugin extends Plugin implements UpscalePlugin {
    controller: UpscaleController | null = null;
    unavailable: CuganError | null = null;
    lastError: CuganError | null = null;
    loading: UpscaleProgress | null = null;
    model = '';
    private opts: VideoUpscaleOptions;
    private current: UpscaleChoices;
    private want: boolean;
    private readonly storageKey: string | false;
    private readonly support: Promise<{ ok: true } | { ok: false; error: CuganError }>;
    private readonly controls: Component[] = [];
    private removeHotkey?: () => void;
    private warnedNativeTracks = false;
    private calls = 0; // enable()/disable() calls, so a slow enable() yields to a later call
    private disposed = false;

    constructor(player: Player, options: UpscalePluginOptions = {}) {
      super(player);
      let o = options ?? {};
      let badOption: CuganError | undefined;
      try {
        checkPluginOptions(o);
      } catch (e) {
        // A bad option must not break the page's player set-up: report it and stay off (the
        // viewer can still turn it on, with the defaults).
        if (!(e instanceof CuganError)) throw e;
        badOption = e;
        o = {};
        setTimeout(() => {
          if (!this.disposed) this.announce('upscale:error', { error: e });
        });
      }
      const { storageKey = DEFAULT_STORAGE_KEY, hotkey = DEFAULT_HOTKEY, enabled: _enabled, ...rest } = o;
      this.storageKey = storageKey;
      // Explicit options win over stored choices, which win over the defaults.
      this.current = { ...DEFAULT_CHOICES, ...loadChoices(storageKey), ...pickChoices(o) };
      this.want = this.current.enabled && !badOption;
      const { enabled: _e, ...choices } = this.current;
      this.opts = { ...rest, ...choices };
      this.support = webgpuSupport();
      void this.support.then((r) => {
        if (!r.ok && !this.disposed) {
          this.unavailable = r.error;
          this.refreshUi();
        }
      });
      injectStyles(player.el().ownerDocument);
      if (hotkey !== false) this.removeHotkey = listenHotkey(player.el() as HTMLElement, hotkey, () => void this.toggle());
      player.on(TECH_EVENTS, this.onTechEvent);
      player.ready(() => {
        this.addControls();
        this.attach();
      });
    }

    get enabled(): boolean {
      return this.want;
    }

    get active(): boolean {
      return this.controller?.upscaler.active ?? false;
    }

    get stats(): UpscaleStats {
      return this.controller?.stats ?? { ...NO_STATS };
    }

    get choices(): Readonly<UpscaleChoices> {
      return { ...this.current, enabled: this.want };
    }

    get options(): Readonly<VideoUpscaleOptions> {
      return this.opts; // set before the controller's (which may still be loading a model)
    }

    async enable(): Promise<boolean> {
      if (this.disposed) return false;
      const call = ++this.calls;
      const support = await this.support;
      if (this.disposed || call !== this.calls) return false; // a later enable()/disable() decides
      // Where it cannot run, asking again reports why and changes nothing (nothing is stored).
      if (!support.ok) {
        this.reportUnavailable(support.error);
        return false;
      }
      this.want = true;
      this.lastError = null;
      this.remember({ enabled: true });
      this.refreshUi();
      return this.start();
    }

    disable(): void {
      if (this.disposed) return;
      this.calls++;
      this.want = false;
      this.remember({ enabled: false });
      this.controller?.disable();
      this.refreshUi();
    }

    async toggle(): Promise<boolean> {
      if (this.want) {
        this.disable();
        return false;
      }
      return this.enable();
    }

    async setOptions(partial: Partial<VideoUpscaleOptions>): Promise<void> {
      if (this.disposed) return;
      const p = { ...partial };
      checkPluginOptions({ ...this.opts, ...p });
      const { enabled, ...rest } = p;
      const next = { ...this.opts, ...rest };
      if ('model' in rest && rest.model === undefined) delete next.model;
      this.opts = next;
      const picked = pickChoices(rest);
      this.current = { ...this.current, ...picked };
      this.remember(picked);
      this.refreshUi();
      if (this.controller) await this.controller.setOptions(rest);
      this.refreshUi();
      if (enabled === true && !this.want) await this.enable();
      if (enabled === false && this.want) this.disable();
    }

    override dispose(): void {
      if (this.disposed) return;
      this.disposed = true;
      this.removeHotkey?.();
      this.player.off(TECH_EVENTS, this.onTechEvent);
      this.detach();
      const bar = this.player.getChild('ControlBar');
      for (const c of this.controls.splice(0)) {
        bar?.removeChild(c);
        c.dispose();
      }
      super.dispose();
    }

    // ------------------------------------------------------------ the tech's <video>

    private readonly onTechEvent = (): void => {
      if (this.player?.isReady_) this.attach();
    };

    /** Puts a controller on the current tech's <video> (a new one when the tech changed). */
    private attach(): void {
      if (this.disposed) return;
      let el: Element | null = null;
      try {
        el = this.player.tech({ IWillNotUseThisInPlugins: true })?.el() ?? null;
      } catch {
        el = null; // no tech yet
      }
      if (!el || el.tagName !== 'VIDEO') {
        this.detach();
        return;
      }
      const video = el as HTMLVideoElement;
      if (this.controller?.video === video) {
        // Same element: keep the canvas right after it (below the caption display).
        const canvas = this.controller.overlay.canvas;
        if (video.nextElementSibling !== canvas) video.insertAdjacentElement('afterend', canvas);
        this.controller.overlay.update();
        return;
      }
      this.detach();
      this.warnIfNativeTextTracks();
      // Its events go to the player (nothing bubbles from the <video>: video.js would hand that
      // to player listeners without the detail); those of a replaced controller are dropped.
      const c: UpscaleController = new UpscaleController(video, this.opts, (type, detail) => {
        if (c === this.controller) this.onUpscaleEvent(type, detail);
      });
      this.controller = c;
      if (this.want) void this.start();
      this.refreshUi();
    }

    private detach(): void {
      const c = this.controller;
      if (!c) return;
      this.controller = null;
      c.destroy();
    }

    private warnIfNativeTextTracks(): void {
      const tech = (this.player as unknown as { tech_?: { featuresNativeTextTracks?: boolean } }).tech_;
      if (!tech?.featuresNativeTextTracks || this.warnedNativeTracks) return;
      this.warnedNativeTracks = true;
      videojs.log.warn(
        'upscale: this player uses native text tracks, so captions would be drawn under the upscaling canvas; ' +
          'create the player with html5: { nativeTextTracks: false } to have video.js draw them above it',
      );
    }

    // ------------------------------------------------------------ state

    private async start(): Promise<boolean> {
      const support = await this.support;
      if (this.disposed || !this.want) return false;
      if (!support.ok) {
        this.reportUnavailable(support.error);
        return false;
      }
      const c = this.controller;
      if (!c) return false; // attach() starts it once the tech is there
      if (c.enabled) return true;
      return c.enable();
    }

    /** No WebGPU here: the same events a failed start gives (error, then disabled if it was on). */
    private reportUnavailable(error: CuganError): void {
      const wasOn = this.want;
      this.unavailable = error;
      this.lastError = error;
      this.want = false;
      this.announce('upscale:error', { error });
      if (wasOn) this.announce('upscale:disabled', { reason: 'error' });
      this.refreshUi();
    }

    /** The plugin's own state follows the controller's events, then the player gets them. */
    private onUpscaleEvent<K extends UpscaleEventType>(type: K, detail: UpscaleEventDetails[K]): void {
      if (this.disposed) return;
      const modelBefore = this.model;
      const d = { type, detail } as UpscaleEventOf;
      switch (d.type) {
        case 'upscale:enabled':
          // An enable() that finished after a disable() (a quick toggle) is not news.
          if (!this.controller?.enabled) return;
          this.lastError = null;
          this.model = d.detail.model;
          break;
        case 'upscale:disabled':
          if (d.detail.reason === 'error') this.want = false;
          break;
        case 'upscale:error':
          this.lastError = d.detail.error;
          this.loading = null;
          if (d.detail.error.code === 'NO_WEBGPU') this.unavailable = d.detail.error;
          break;
        case 'upscale:stats':
          this.model = d.detail.model || this.model;
          break;
        case 'upscale:progress':
          this.loading = d.detail.done ? null : d.detail;
          break;
      }
      this.announce(type, detail);
      if (type !== 'upscale:stats' || this.model !== modelBefore) this.refreshUi();
    }

    /** Triggers an event on the player: listeners get `(event, detail)`. */
    private announce<K extends UpscaleEventType>(type: K, detail: UpscaleEventDetails[K]): void {
      this.player.trigger(type, detail);
    }

    private remember(choices: Partial<UpscaleChoices>): void {
      saveChoices(this.storageKey, choices);
    }

    // ------------------------------------------------------------ controls

    private addControls(): void {
      if (this.disposed || this.controls.length) return;
      const bar = this.player.getChild('ControlBar');
      if (!bar) return;
      const children = bar.children() as Component[];
      const fullscreen = children.findIndex((c) => c.name() === 'FullscreenToggle');
      const at = fullscreen >= 0 ? fullscreen : children.length;
      // Both at `at`: the toggle ends up first, then the menu, then the fullscreen toggle.
      this.controls.push(bar.addChild('UpscaleMenuButton', { plugin: this }, at));
      this.controls.push(bar.addChild('UpscaleToggle', { plugin: this }, at));
      this.refreshUi();
    }

    private refreshUi(): void {
      if (this.disposed) return;
      for (const c of this.controls) (c as unknown as ToggleButtonComponent | SettingsMenuComponent).refresh();
    }
  }

  videojs.registerPlugin(PLUGIN_NAME, UpscaleVideojsPlugin as unknown as PluginClass);
}

/** An event and its detail, as a union the plugin can switch on. */
type UpscaleEventOf = { [K in UpscaleEventType]: { type: K; detail: UpscaleEventDetails[K] } }[UpscaleEventType];

/** The plugin of a player once `player.upscale(...)` has run (undefined before). */
export function getUpscalePlugin(player: Player): UpscalePlugin | undefined {
  const p = player as unknown as { usingPlugin?(name: string): boolean; [PLUGIN_NAME]?: () => UpscalePlugin };
  return p.usingPlugin?.(PLUGIN_NAME) ? p[PLUGIN_NAME]?.() : undefined;
}

/** A player with the plugin registered (importing this module already adds `upscale` to video.js's `Player`). */
export type UpscalePlayer = Player & { upscale(options?: UpscalePluginOptions): UpscalePlugin };
