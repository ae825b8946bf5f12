// Security in a real browser: the hls.js + upscaler page works under a strict
// Content-Security-Policy header (no 'unsafe-eval', no inline script), with no CSP violation
// reported; and the filter never reads a tainted frame (hls.test.ts: TAINTED_SOURCE).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchBrowser, openPage, type TestBrowser } from '../helpers/browser.js';
import { MODELS_DIR, ROOT, startVite, type ViteTestServer } from '../helpers/vite.js';

const streamDir = join(ROOT, 'test', '.media', 'hls');
const skip = !existsSync(join(streamDir, 'master.m3u8'))
  ? 'no test stream (node scripts/build-test-stream.mjs)'
  : !existsSync(join(MODELS_DIR, 'se', 'up2x-conservative.f32.cugan'))
    ? 'no converted models (npm run weights)'
    : false;

const CSP_PAGE = '/test/e2e/pages/csp.html';
/** Strict: scripts only from this origin (no eval, no inline), no plugins, MSE blob: media only. */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
].join('; ');

type Win = { cugan: any };

describe('strict Content-Security-Policy', { skip }, () => {
  let vite: ViteTestServer;
  let b: TestBrowser;
  before(async () => {
    vite = await startVite({ headers: { [CSP_PAGE]: { 'Content-Security-Policy': STRICT_CSP } } });
    b = await launchBrowser();
  });
  after(async () => {
    await b?.close();
    await vite?.close();
  });

  test('hls.js + the upscaler run under the CSP header: frames upscaled, no violation, the video plays', async (t) => {
    const page: Page = await openPage(b, `${vite.url}${CSP_PAGE}`);
    // Chromium reports every CSP violation on the console; the browser log has it from the start.
    const violations = () => b.logText().split('\n').filter((l) => /Content Security Policy|unsafe-eval/i.test(l));
    try {
      const res = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
      assert.equal(res, STRICT_CSP, 'the page was not served with the CSP header');
      // The policy is enforced on this document: an inline script is refused. (DevTools'
      // evaluate itself is exempt from CSP, so the probe must go through the page's DOM.)
      const inlineRan = await page.evaluate(async () => {
        const el = document.createElement('script');
        el.textContent = '(window as any).inlineRan = true'.replace(' as any', '');
        document.body.append(el);
        await new Promise((r) => setTimeout(r, 50));
        return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
      });
      assert.equal(inlineRan, false, 'an inline script ran: the CSP is not enforced');
      const before = violations().length; // the probe above is one
      await page.waitForFunction(() => !!(window as unknown as Win).cugan, { timeout: 30_000 });
      await page.waitForFunction(() => (window as unknown as Win).cugan.ctl.stats.frames >= 1, { timeout: 120_000, polling: 200 });
      const state = await page.evaluate(() => ({
        events: (window as unknown as Win).cugan.events.filter((e: any) => e.type !== 'upscale:stats').map((e: any) => `${e.type}${e.code ? ` ${e.code}` : ''}`),
        canvas: getComputedStyle((window as unknown as Win).cugan.ctl.overlay.canvas).visibility,
        t0: (window as unknown as Win).cugan.video.currentTime,
      }));
      t.diagnostic(JSON.stringify(state));
      assert.deepEqual(state.events, ['upscale:enabled']);
      assert.equal(state.canvas, 'visible');
      assert.deepEqual(violations().slice(before), [], 'CSP violations after the probe');
      assert.ok(before <= 1, `CSP violations while loading: ${violations().join('\n')}`);
      await page.waitForFunction((t0: number) => Math.abs((window as unknown as Win).cugan.video.currentTime - t0) > 0.3, { timeout: 30_000 }, state.t0);
    } finally {
      await page.close();
    }
  });
});
