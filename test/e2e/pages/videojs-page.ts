// Test page: a video.js 8 player (html5.nativeTextTracks false, VHS over MSE) on the HLS test
// stream with its WebVTT subtitle group, and the upscale plugin registered. Query parameters:
//   options=JSON   passed to player.upscale() (default {"scale":2}: the 96x54 stream fits 2x)
//   src=URL        another source (default: the test stream's master playlist)
//   native=1       create the player with native text tracks (the plugin should warn)
//   track=1        add the stream's WebVTT file as a <track> too (a fallback)
//   cors=0         no crossorigin attribute (a cross-origin src then taints the frames)
//   via=options    start the plugin through videojs(el, { plugins: { upscale: options } })
//   lang=fr        a French translation of two labels, player language 'fr'
// Everything a test reads is on `window.vjsTest`.
import videojsModule from 'video.js';
import 'video.js/dist/video-js.css';
import { registerUpscalePlugin, type UpscalePlayer, type UpscalePluginOptions } from '../../../src/player-plugin/videojs/plugin.js';
import { videojsFunction } from '../../../src/player-plugin/videojs/vjs-types.js';

// Under NodeNext typings the default import is typed as the module object; Vite gives the function.
const videojs = videojsFunction(videojsModule);

const params = new URLSearchParams(location.search);
const options: UpscalePluginOptions = { scale: 2, ...(JSON.parse(params.get('options') ?? '{}') as UpscalePluginOptions) };
const src = params.get('src') ?? '/test/.media/hls/master.m3u8';

export interface LoggedEvent {
  type: string;
  time: number;
  model?: string;
  reason?: string;
  code?: string;
  message?: string;
  frames?: number;
}

registerUpscalePlugin(videojs);
if (params.get('cors') === '0') document.getElementById('player')!.removeAttribute('crossorigin');
if (params.get('lang') === 'fr') {
  videojs.addLanguage('fr', { 'Upscaling is not available: {1}': 'Amélioration indisponible : {1}', 'Denoise 3x': 'Débruitage 3x' });
}
const viaOptions = params.get('via') === 'options';
const player = videojs('player', {
  ...(params.get('lang') ? { language: params.get('lang') } : {}),
  ...(viaOptions ? { plugins: { upscale: options } } : {}),
  width: 384,
  height: 216,
  loop: true, // the clip is 8 s; frames take seconds on SwiftShader
  inactivityTimeout: 0, // the control bar stays visible (and clickable) while playing
  html5: { nativeTextTracks: params.get('native') === '1', vhs: { overrideNative: true } },
}) as UpscalePlayer;

if (params.get('track') === '1') {
  player.addRemoteTextTrack({ kind: 'subtitles', srclang: 'en', label: 'English (track)', src: '/test/.media/hls/subs/en.vtt', default: true }, false);
}

// Stay on the 96x54 rendition from the first segment on (VHS would pick 128x72 for this player
// size, and a level switch costs a rebuild): an own playlist selector, set before VHS loads.
type VhsPlaylist = { attributes?: { RESOLUTION?: { width: number } } };
player.on('xhr-hooks-ready', () => {
  const vhs = (player.tech({ IWillNotUseThisInPlugins: true }) as unknown as { vhs?: { selectPlaylist?: () => unknown } }).vhs;
  if (!vhs) return;
  vhs.selectPlaylist = function (this: { playlists: { main?: { playlists: VhsPlaylist[] } } }) {
    const all = this.playlists.main?.playlists ?? [];
    return all.find((p) => (p.attributes?.RESOLUTION?.width ?? 0) <= 96) ?? all[0];
  };
});

const events: LoggedEvent[] = [];
const t0 = performance.now();
for (const type of ['upscale:enabled', 'upscale:disabled', 'upscale:error', 'upscale:stats']) {
  player.on(type, (_e: unknown, d: any) => {
    events.push({
      type,
      time: performance.now() - t0,
      model: d?.model,
      reason: d?.reason,
      code: d?.error?.code,
      message: d?.error?.message,
      frames: d?.frames,
    });
  });
}

player.src({ src, type: src.endsWith('.m3u8') ? 'application/x-mpegURL' : 'video/mp4' });
const plugin = viaOptions ? player.upscale() : player.upscale(options);

declare global {
  interface Window {
    vjsTest: {
      videojs: typeof videojs;
      player: UpscalePlayer;
      plugin: typeof plugin;
      events: LoggedEvent[];
      options: UpscalePluginOptions;
    };
  }
}
window.vjsTest = { videojs, player, plugin, events, options };
