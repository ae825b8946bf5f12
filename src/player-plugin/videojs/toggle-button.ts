// The control-bar button that turns upscaling on and off ('UpscaleToggle'). It shows the state
// (`vjs-upscale-on`, aria-pressed, "HD↑" lit), is disabled with an explanation where upscaling
// cannot run (no WebGPU / no adapter), says why after a failure turned it off, and spins
// (`vjs-upscale-loading`, the share downloaded in its tooltip) while a model downloads.

import type { UpscaleProgress } from '../../runtime/video/types.js';
import { LABELS } from './labels.js';
import type { UpscalePlugin } from './api.js';
import type { ButtonClass, ComponentClass, Player, VideoJs } from './vjs-types.js';

export const TOGGLE_NAME = 'UpscaleToggle';

export interface ToggleButtonComponent {
  /** Re-reads the plugin's state. */
  refresh(): void;
}

interface ToggleOptions {
  plugin: UpscalePlugin;
  className?: string;
}

/** "42%" of a download, or "3.1 MB" when its size is unknown. */
function share(p: UpscaleProgress): string {
  return p.total > 0 ? `${Math.floor((100 * p.loaded) / p.total)}%` : `${(p.loaded / 1e6).toFixed(1)} MB`;
}

export function registerToggleButton(videojs: VideoJs): void {
  if (videojs.getComponent(TOGGLE_NAME)) return;
  const Button = videojs.getComponent('Button') as unknown as ButtonClass;

  class UpscaleToggle extends Button implements ToggleButtonComponent {
    constructor(player: Player, options: ToggleOptions) {
      super(player, options);
      this.el().setAttribute('aria-pressed', 'false');
      this.refresh();
    }

    override buildCSSClass(): string {
      return `vjs-upscale-toggle ${super.buildCSSClass()}`;
    }

    override handleClick(): void {
      void this.plugin()?.toggle();
    }

    refresh(): void {
      const plugin = this.plugin();
      if (!plugin || this.isDisposed()) return;
      const player = this.player();
      const el = this.el();
      if (plugin.unavailable) {
        this.removeClass('vjs-upscale-on');
        el.setAttribute('aria-pressed', 'false');
        if (this.enabled_ !== false) this.disable();
        this.controlText(player.localize(LABELS.unavailable, [plugin.unavailable.message]));
        return;
      }
      if (this.enabled_ === false) this.enable();
      const on = plugin.enabled;
      this.toggleClass('vjs-upscale-on', on);
      el.setAttribute('aria-pressed', String(on));
      const loading = on ? plugin.loading : null;
      this.toggleClass('vjs-upscale-loading', !!loading);
      const error = plugin.lastError;
      this.controlText(
        loading ? player.localize(LABELS.loading, [share(loading)])
          : on ? player.localize(LABELS.on)
          : error ? player.localize(LABELS.stopped, [error.message])
          : player.localize(LABELS.off),
      );
    }

    private plugin(): UpscalePlugin | undefined {
      return (this.options_ as Partial<ToggleOptions> | undefined)?.plugin;
    }
  }

  videojs.registerComponent(TOGGLE_NAME, UpscaleToggle as unknown as ComponentClass);
}
