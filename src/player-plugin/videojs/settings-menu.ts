// The control-bar settings menu ('UpscaleMenuButton'): one flat popup menu with four sections,
// Scale (Auto/2x/3x/4x), Denoise (the levels released for that scale and family), Pro (2x and
// 3x only) and Strength (alpha). A pick calls the plugin's setOptions (which remembers it); the
// menu is rebuilt whenever what it would show changes.

import { findModel, type Scale } from '../../runtime/model/architecture.js';
import { chooseModel, denoiseLevels } from '../../runtime/video/model-choice.js';
import type { Denoise, ScaleChoice, VideoUpscaleOptions } from '../../runtime/options.js';
import { DENOISE_LABELS, LABELS } from './labels.js';
import type { UpscalePlugin } from './api.js';
import type { ComponentClass, MenuButtonClass, MenuItem, MenuItemClass, Player, VideoJs } from './vjs-types.js';

export const MENU_NAME = 'UpscaleMenuButton';

export const STRENGTHS: readonly number[] = [0.75, 1, 1.15, 1.3];

export interface SettingsMenuComponent {
  /** Re-reads the plugin's state; rebuilds the menu when what it shows changed. */
  refresh(): void;
}

/** One line of the menu: a section heading, or a choice (selected or not) and what it sets. */
export type MenuLine =
  | { kind: 'heading'; label: string }
  | { kind: 'choice'; label: string; selected: boolean; set: Partial<VideoUpscaleOptions> };

/**
 * The menu's lines for the current choices. `modelInUse` (the model last reported) tells which
 * scale 'auto' resolved to; an explicit `model` option is shown as its scale, denoise and family,
 * and any scale/denoise/pro pick replaces it with those choices.
 */
export function menuLines(options: Readonly<VideoUpscaleOptions>, modelInUse: string): MenuLine[] {
  const explicit = options.model !== undefined ? findModel(options.model) : undefined;
  const inUse = findModel(modelInUse);
  const scaleChoice: ScaleChoice = explicit ? explicit.scale : (options.scale ?? 'auto');
  const scale: Scale = scaleChoice !== 'auto' ? scaleChoice : (inUse?.scale ?? 2);
  const pro = explicit ? explicit.pro : (options.pro ?? false);
  const shown = explicit ?? findModel(chooseModel({ denoise: options.denoise, pro }, scale));
  const base: Partial<VideoUpscaleOptions> = explicit
    ? { scale: explicit.scale, denoise: explicit.denoise as Denoise, pro: explicit.pro, model: undefined }
    : {};
  const pick = (o: Partial<VideoUpscaleOptions>) => ({ ...base, ...o });
  const lines: MenuLine[] = [{ kind: 'heading', label: LABELS.scale }];
  for (const s of ['auto', 2, 3, 4] as const) {
    lines.push({ kind: 'choice', label: s === 'auto' ? LABELS.auto : `${s}x`, selected: scaleChoice === s, set: pick({ scale: s }) });
  }
  lines.push({ kind: 'heading', label: LABELS.denoise });
  for (const d of denoiseLevels(scale, pro)) {
    lines.push({ kind: 'choice', label: DENOISE_LABELS[d], selected: shown?.denoise === d, set: pick({ denoise: d }) });
  }
  if (scale !== 4) {
    lines.push({ kind: 'heading', label: LABELS.pro });
    lines.push({ kind: 'choice', label: LABELS.off_, selected: !pro, set: pick({ pro: false }) });
    lines.push({ kind: 'choice', label: LABELS.on_, selected: pro, set: pick({ pro: true }) });
  }
  lines.push({ kind: 'heading', label: LABELS.strength });
  const alpha = options.alpha ?? 1;
  for (const a of STRENGTHS) {
    lines.push({ kind: 'choice', label: a === 1 ? '1.0' : String(a), selected: Math.abs(alpha - a) < 1e-6, set: { alpha: a } });
  }
  return lines;
}

interface MenuOptions {
  plugin: UpscalePlugin;
}

interface ItemOptions {
  label: string;
  selectable: boolean;
  selected?: boolean;
  className?: string;
  set?: Partial<VideoUpscaleOptions>;
  plugin: UpscalePlugin;
}

export function registerSettingsMenu(videojs: VideoJs): void {
  if (videojs.getComponent(MENU_NAME)) return;
  const MenuButton = videojs.getComponent('MenuButton') as unknown as MenuButtonClass;
  const VjsMenuItem = videojs.getComponent('MenuItem') as unknown as MenuItemClass;

  /** A section title: not selectable, does nothing when clicked. */
  class UpscaleMenuHeading extends VjsMenuItem {
    constructor(player: Player, options: ItemOptions) {
      super(player, options);
      this.el().setAttribute('aria-disabled', 'true');
    }

    override handleClick(): void {}
  }

  class UpscaleMenuChoice extends VjsMenuItem {
    override handleClick(event: Event): void {
      super.handleClick(event);
      const { plugin, set } = this.options_ as ItemOptions;
      // setOptions reports loading failures as `upscale:error`; a rejection is a bad value.
      if (set) plugin.setOptions(set).catch((e: unknown) => videojs.log.error('upscale:', e));
    }
  }

  // MenuButton's constructor builds the menu (createItems) before a subclass constructor body
  // runs, so this class keeps no initialized fields: state lives in the plugin and options_.
  class UpscaleMenuButton extends MenuButton implements SettingsMenuComponent {
    declare private shownKey_?: string;

    constructor(player: Player, options: MenuOptions) {
      super(player, options);
      this.controlText(player.localize(LABELS.settings));
      this.refresh();
    }

    override buildWrapperCSSClass(): string {
      return `vjs-upscale-menu ${super.buildWrapperCSSClass()}`;
    }

    override buildCSSClass(): string {
      return `vjs-upscale-menu-button ${super.buildCSSClass()}`;
    }

    override createItems(): MenuItem[] {
      const plugin = this.plugin();
      if (!plugin) return [];
      const lines = menuLines(plugin.options, plugin.model);
      this.shownKey_ = JSON.stringify(lines);
      const player = this.player();
      return lines.map((line) =>
        line.kind === 'heading'
          ? new UpscaleMenuHeading(player, { label: line.label, selectable: false, className: 'vjs-upscale-menu-heading', plugin })
          : new UpscaleMenuChoice(player, { label: line.label, selectable: true, selected: line.selected, set: line.set, plugin }),
      );
    }

    refresh(): void {
      const plugin = this.plugin();
      if (!plugin || this.isDisposed()) return;
      if (plugin.unavailable) {
        if (this.enabled_) this.disable();
        this.controlText(this.player().localize(LABELS.unavailable, [plugin.unavailable.message]));
        return;
      }
      if (!this.enabled_) {
        this.enable();
        this.controlText(this.player().localize(LABELS.settings));
      }
      // Rebuilt outside the click that caused it: the clicked item is disposed by a rebuild.
      if (this.changed()) this.setTimeout(() => this.changed() && this.update(), 0);
    }

    private changed(): boolean {
      const plugin = this.plugin();
      return !!plugin && !this.isDisposed() && JSON.stringify(menuLines(plugin.options, plugin.model)) !== this.shownKey_;
    }

    private plugin(): UpscalePlugin | undefined {
      return (this.options_ as Partial<MenuOptions> | undefined)?.plugin;
    }
  }

  videojs.registerComponent('UpscaleMenuHeading', UpscaleMenuHeading as unknown as ComponentClass);
  videojs.registerComponent('UpscaleMenuChoice', UpscaleMenuChoice as unknown as ComponentClass);
  videojs.registerComponent(MENU_NAME, UpscaleMenuButton as unknown as ComponentClass);
}
