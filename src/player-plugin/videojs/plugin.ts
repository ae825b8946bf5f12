// The video.js plugin: `registerUpscalePlugin(videojs)` registers an advanced plugin `upscale`;
// `player.upscale(options)` puts an UpscaleController on the player's <video> (its canvas lands
// right after the video, so video.js's caption display and control bar stay above it), adds a
// toggle button and a settings menu to the control bar, a keyboard shortcut, and remembers the
// viewer's choices in localStorage. Later `player.upscale()` calls return the same instance.
//
//   import videojs from 'video.js';
//   import { registerUpscalePlugin } from 'cugan-webgpu/src/player-plugin/videojs/plugin.js';
//   registerUpscalePlugin(videojs);
//   const player = videojs('video', { html5: { nativeTextTracks: false } });
//   player.upscale({ denoise: 'conservative' });
//   player.on('upscale:error', (_e, { error }) => console.warn(error.code, error.message));
//
// Captions: create the player with `html5: { nativeTextTracks: false }` so video.js draws cues
// itself in `.vjs-text-track-display`, above the canvas. With native text tracks (Safari's
// default) the browser draws them inside the <video>, under the canvas (a warning is logged).
//
// Events on the player (listener(event, detail)): `upscale:enabled` {model},
// `upscale:disabled` {reason: 'user' | 'error'}, `upscale:error` {error: CuganError},
// `upscale:stats` UpscaleStats, `upscale:progress` UpscaleProgress (a model download; the
// toggle spins meanwhile). The video keeps playing whatever fails.

import { CuganError } from '../../runtime/errors.js';
import { checkAlpha } from '../../runtime/model-runner.js';
import { checkScale, chooseModel } from '../../runtime/video/model-choice.js';
import type { UpscaleProgress, UpscaleStats, VideoUpscaleOptions } from '../../runtime/video/types.js';
import { VideoUpscaler } from '../../runtime/video/video-upscaler.js';
import { UPSCALE_EVENTS, UpscaleController } from '../controller.js';
import { listenHotkey } from './hotkey.js';
import { registerSettingsMenu, type SettingsMenuComponent } from './settings-menu.js';
import { loadChoices, pickChoices, saveChoices, type UpscaleChoices } from './storage.js';
import { injectStyles } from './styles.js';
import { registerToggleButton, type ToggleButtonComponent } from './toggle-button.js';
import { videojsFunction, type Component, type Player, type PluginClass, type VideoJs, type VideoJsModule } from './vjs-types.js';

export type { UpscaleChoices } from './storage.js';
export { DENOISE_LABELS, LABEL_KEYS, LABELS } from './labels.js';

export const PLUGIN_NAME = 'upscale';
export const DEFAULT_STORAGE_KEY = 'cugan-webgpu';
export const DEFAULT_HOTKEY = 'u';

export interface UpscalePluginOptions extends VideoUpscaleOptions {
  /** localStorage key of the viewer's choices (default 'cugan-webgpu'); false: remember nothing. */
  storageKey?: string | false;
  /** Key that toggles upscaling while the player has focus (default 'u'); false: none. */
  hotkey?: string | false;
}

/** What `player.upscale()` returns. */
export interface UpscalePlugin {
  readonly player: Player;
  /** The viewer's wish: true from enable() until disable() or a failure turns it off. */
  readonly enabled: boolean;
  /** True while upscaled frames are on screen. */
  readonly active: boolean;
  readonly stats: UpscaleStats;
  /** The model last reported in use ('' before the first frame). */
  readonly model: string;
  /** Scale, denoise, pro and strength as chosen (stored ones, then explicit options, then menu picks). */
  readonly choices: Readonly<UpscaleChoices>;
  readonly options: Readonly<VideoUpscaleOptions>;
  /** Why upscaling cannot run in this browser (no WebGPU or no adapter); null while it can. */
  readonly unavailable: CuganError | null;
  /** The model download under way (the toggle spins); null when none. */
  readonly loading: UpscaleProgress | null;
  /** The last failure since upscaling was last turned on; null when none. */
  readonly lastError: CuganError | null;
  /** The controller on the current tech's <video> (null before the player is ready). */
  readonly controller: UpscaleController | null;
  /** Turns upscaling on (and remembers it). Never throws; failures arrive as `upscale:error`. */
  enable(): Promise<boolean>;
  /** Turns upscaling off (and remembers it); the plain video shows. */
  disable(): void;
  toggle(): Promise<boolean>;
  /** Changes scale, denoise, pro, alpha, model... (scale/denoise/pro/alpha/enabled are remembered).
   * Rejects with BAD_OPTION for invalid values; loading failures arrive as `upscale:error`. */
  setOptions(options: Partial<VideoUpscaleOptions>): Promise<void>;
  dispose(): void;
}

const DEFAULT_CHOICES: UpscaleChoices = { enabled: true, scale: 'auto', denoise: 'conservative', pro: false, alpha: 1 };

const NO_STATS: UpscaleStats = {
  fps: 0, videoFps: 0, dropped: 0, frames: 0, gpuMs: 0, effectiveGpuMs: 0, sourceWidth: 0, sourceHeight: 0,
  outputWidth: 0, outputHeight: 0, model: '', precision: 'f32', kernels: 'compact', adapter: '', gpuBytes: 0, tiles: 0,
};

/** The same checks VideoUpscaler makes, done before anything is stored or built. */
function checkOptions(o: UpscalePluginOptions): void {
  if (o.scale !== undefined) checkScale(o.scale);
  if (o.alpha !== undefined) checkAlpha(o.alpha);
  for (const k of ['pro', 'enabled'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new CuganError('BAD_OPTION', `${k} must be a boolean, got ${String(o[k])}`);
  }
  if (o.storageKey !== undefined && o.storageKey !== false && (typeof o.storageKey !== 'string' || !o.storageKey)) {
    throw new CuganError('BAD_OPTION', `storageKey must be a non-empty string or false, got ${String(o.storageKey)}`);
  }
  if (o.hotkey !== undefined && o.hotkey !== false && (typeof o.hotkey !== 'string' || !o.hotkey)) {
    throw new CuganError('BAD_OPTION', `hotkey must be a key name such as 'u', or false, got ${String(o.hotkey)}`);
  }
  chooseModel(o, 2); // model id and denoise level
}

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
        checkOptions(o);
      } catch (e) {
        // A bad option must not break the page's player set-up: report it and stay off (the
        // viewer can still turn it on, with the defaults).
        if (!(e instanceof CuganError)) throw e;
        badOption = e;
        o = {};
        setTimeout(() => {
          if (!this.disposed) this.player.trigger('upscale:error', { error: e });
        });
      }
      const { storageKey = DEFAULT_STORAGE_KEY, hotkey = DEFAULT_HOTKEY, enabled: _enabled, ...rest } = o;
      this.storageKey = storageKey;
      // Explicit options win over stored choices, which win over the defaults.
      this.current = { ...DEFAULT_CHOICES, ...loadChoices(storageKey), ...pickChoices(o) };
      this.want = this.current.enabled && !badOption;
      const { enabled: _e, ...choices } = this.current;
      this.opts = { ...rest, ...choices };
      this.support = VideoUpscaler.isSupported();
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
      checkOptions({ ...this.opts, ...p });
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
      const c = new UpscaleController(video, this.opts);
      for (const name of UPSCALE_EVENTS) {
        c.addEventListener(`upscale:${name}`, this.onControllerEvent);
        // The controller also dispatches a bubbling copy on the <video>: stop it there, or
        // video.js would hand it to player listeners a second time (without the detail argument).
        video.addEventListener(`upscale:${name}`, stopPropagation);
      }
      this.controller = c;
      if (this.want) void this.start();
      this.refreshUi();
    }

    private detach(): void {
      const c = this.controller;
      if (!c) return;
      this.controller = null;
      for (const name of UPSCALE_EVENTS) {
        c.removeEventListener(`upscale:${name}`, this.onControllerEvent);
        c.video.removeEventListener(`upscale:${name}`, stopPropagation);
      }
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
      this.player.trigger('upscale:error', { error });
      if (wasOn) this.player.trigger('upscale:disabled', { reason: 'error' });
      this.refreshUi();
    }

    private readonly onControllerEvent = (e: Event): void => {
      if (this.disposed) return;
      const detail = (e as CustomEvent).detail;
      const modelBefore = this.model;
      switch (e.type) {
        case 'upscale:enabled':
          // An enable() that finished after a disable() (a quick toggle) is not news.
          if (!this.controller?.enabled) return;
          this.lastError = null;
          this.model = detail?.model ?? this.model;
          break;
        case 'upscale:disabled':
          if (detail?.reason === 'error') this.want = false;
          break;
        case 'upscale:error': {
          const error = detail?.error;
          if (error instanceof CuganError) {
            this.lastError = error;
            this.loading = null;
            if (error.code === 'NO_WEBGPU') this.unavailable = error;
          }
          break;
        }
        case 'upscale:stats':
          this.model = detail?.model || this.model;
          break;
        case 'upscale:progress':
          this.loading = detail?.done ? null : (detail as UpscaleProgress);
          break;
      }
      this.player.trigger(e.type, detail);
      if (e.type !== 'upscale:stats' || this.model !== modelBefore) this.refreshUi();
    };

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

const stopPropagation = (e: Event): void => e.stopPropagation();

/** The plugin of a player once `player.upscale(...)` has run (undefined before). */
export function getUpscalePlugin(player: Player): UpscalePlugin | undefined {
  const p = player as unknown as { usingPlugin?(name: string): boolean; [PLUGIN_NAME]?: () => UpscalePlugin };
  return p.usingPlugin?.(PLUGIN_NAME) ? p[PLUGIN_NAME]?.() : undefined;
}

/** A player with the plugin registered (video.js's own types do not know `upscale`). */
export type UpscalePlayer = Player & { upscale(options?: UpscalePluginOptions): UpscalePlugin };
