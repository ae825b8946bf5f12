// The few styles of the plugin's controls, injected once per document: the toggle's "HD↑" label
// (dim when off, lit when on, faded when unavailable, a spinning ring while a model downloads),
// the settings menu's cog and its section headings. Everything else is video.js's own control bar and menu styling.

const STYLE_ID = 'cugan-videojs-styles';

const CSS = `
.video-js .vjs-upscale-toggle { width: 3.6em; }
.video-js .vjs-upscale-toggle .vjs-icon-placeholder::before {
  content: "HD\\2191"; font-family: Arial, Helvetica, sans-serif; font-weight: bold;
  font-size: 1.05em; line-height: 2.86; opacity: 0.55; letter-spacing: -0.02em;
}
.video-js .vjs-upscale-toggle.vjs-upscale-on .vjs-icon-placeholder::before { opacity: 1; color: #8fd3ff; }
.video-js .vjs-upscale-toggle.vjs-upscale-loading .vjs-icon-placeholder::after {
  content: ""; position: absolute; left: 50%; top: 50%; width: 1.9em; height: 1.9em; margin: -0.95em 0 0 -0.95em;
  border: 0.15em solid rgba(143, 211, 255, 0.25); border-top-color: #8fd3ff; border-radius: 50%;
  box-sizing: border-box; animation: cugan-upscale-spin 0.9s linear infinite;
}
@keyframes cugan-upscale-spin { to { transform: rotate(360deg); } }
.video-js .vjs-upscale-toggle.vjs-disabled { cursor: not-allowed; }
.video-js .vjs-upscale-toggle.vjs-disabled .vjs-icon-placeholder::before { opacity: 0.3; text-decoration: line-through; }
.video-js .vjs-upscale-menu .vjs-menu-button .vjs-icon-placeholder::before { font-family: VideoJS; content: "\\f114"; }
.video-js .vjs-upscale-menu .vjs-menu { width: 11em; left: -3.5em; }
.video-js .vjs-upscale-menu.vjs-disabled .vjs-menu-button { cursor: not-allowed; opacity: 0.4; }
.video-js .vjs-menu li.vjs-menu-item.vjs-upscale-menu-heading,
.video-js .vjs-menu li.vjs-menu-item.vjs-upscale-menu-heading:hover,
.video-js .vjs-menu li.vjs-menu-item.vjs-upscale-menu-heading:focus {
  background: transparent; color: inherit; cursor: default; font-weight: bold;
  text-transform: uppercase; font-size: 0.9em; opacity: 0.75; padding-top: 0.5em;
}
`;

/** Adds the plugin's style sheet to `doc` (once; later calls do nothing). */
export function injectStyles(doc: Document = document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  (doc.head ?? doc.documentElement).appendChild(style);
}
