// Test page of test/e2e/extension.test.ts: an ordinary page (no cugan-webgpu on it); the
// extension finds its videos by itself.
import Hls from 'hls.js';

const params = new URLSearchParams(location.search);

// 1. hls.js in the site's player (the 96x54 level); the player's button fullscreens the player.
const video = document.getElementById('hls') as HTMLVideoElement;
video.loop = true; // frames take seconds on SwiftShader: keep the clip going
const hls = new Hls({ startLevel: 0, capLevelToPlayerSize: false });
hls.loadSource('/test/.media/hls/master.m3u8');
hls.attachMedia(video);
hls.on(Hls.Events.MANIFEST_PARSED, () => {
  hls.loadLevel = 0;
  void video.play();
});
const player = document.getElementById('player')!;
document.getElementById('fullscreen')!.addEventListener('click', () => void player.requestFullscreen());

// 2. A custom element with its video in an open shadow root.
customElements.define(
  'shadow-player',
  class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = `<div style="position: relative; width: 172px; height: 132px">
        <video muted playsinline loop autoplay src="/test/.media/hls/clip.mp4"
          style="display: block; box-sizing: content-box; width: 160px; height: 120px; padding: 4px; border: 2px solid #888; object-fit: contain; background: #000"></video>
      </div>`;
    }
  },
);

// 5. The cross-origin video (no crossorigin attribute, a server without CORS).
const xorigin = params.get('xorigin');
if (xorigin) (document.getElementById('tainted') as HTMLVideoElement).src = xorigin;
