// The video.js types the plugin is written against. video.js itself is never imported for its
// code: the page hands its own videojs to registerUpscalePlugin(videojs), and every class here is
// taken from that instance (getPlugin / getComponent), so the plugin never bundles a second copy.

export type VideoJs = typeof import('video.js').default;
/** What `import videojs from 'video.js'` is typed as under TypeScript's NodeNext resolution
 * (video.js ships CommonJS-style typings): the module object. Bundlers hand over the function. */
export type VideoJsModule = typeof import('video.js');

/** The videojs function, whichever of the two a caller has. */
export function videojsFunction(v: VideoJs | VideoJsModule): VideoJs {
  return (typeof v === 'function' ? v : (v as { default: VideoJs }).default) as VideoJs;
}
export type Player = import('video.js/dist/types/player.js').default;
export type Component = import('video.js/dist/types/component.js').default;
export type ComponentClass = typeof import('video.js/dist/types/component.js').default;
export type PluginClass = typeof import('video.js/dist/types/plugin.js').default;
export type ButtonClass = typeof import('video.js/dist/types/button.js').default;
export type MenuButtonClass = typeof import('video.js/dist/types/menu/menu-button.js').default;
export type MenuItemClass = typeof import('video.js/dist/types/menu/menu-item.js').default;
export type MenuItem = import('video.js/dist/types/menu/menu-item.js').default;
