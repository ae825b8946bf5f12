// Headless Chromium for the end-to-end tests, through puppeteer-core (which never downloads a
// browser): Debian's /usr/bin/chromium unless PUPPETEER_EXECUTABLE_PATH or CHROME_PATH names
// another. By default WebGPU runs on SwiftShader (docs: Vulkan and ANGLE on SwiftShader too, or
// importing video frames fails); on a machine with a real GPU set CUGAN_REAL_GPU=1 to drop the
// SwiftShader flags.
//
// Without WebGPU (`webgpu: false`): Chromium 156 always defines `navigator.gpu` in a secure
// context; `--disable-webgpu` makes `requestAdapter()` resolve to null ("no adapter", what a
// browser with a blocklisted GPU does). `openPage(b, url, { hideWebGPU: true })` additionally
// deletes `navigator.gpu` before the page's scripts run ("no API", an older browser).
// `--disable-blink-features=WebGPU` does not remove the API; `--enable-unsafe-webgpu` wins over
// `--disable-webgpu`, so the no-WebGPU launch leaves it out.
//
// Memory guard: Chromium cannot run under `ulimit -v` (each process reserves ~55 GB of address
// space, a renderer ~1.5 TB), so scripts/gpu-test.sh --browser lifts the limit and a watchdog
// here sums the resident memory of the browser's processes every 250 ms and kills them all
// above CUGAN_E2E_MAX_RSS_MB (default 8000): a runaway SwiftShader shader compile fails the
// test instead of eating the machine. `withBrowser` also kills the browser when a test runs
// past its time limit and puts the browser's log (console, page errors, failed requests) and
// a screenshot path into the error.
//
//   await withBrowser({ name: 'smoke' }, async (b) => {
//     const page = await openPage(b, `${vite.url}/test/e2e/pages/smoke.html`);
//     ...
//   });

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM_PATH = process.env.PUPPETEER_EXECUTABLE_PATH || process.env.CHROME_PATH || '/usr/bin/chromium';
/** Screenshots of failed tests go here (gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../.tmp/e2e/', import.meta.url));
const MAX_RSS_MB = Number(process.env.CUGAN_E2E_MAX_RSS_MB) || 8000;

/** Flags of every launch (quiet, reproducible, media plays without a gesture). */
const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--mute-audio',
];
/** WebGPU on SwiftShader, exactly the flags of the docs (webgpu-here). */
const SWIFTSHADER_WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];
/** WebGPU on the machine's GPU (CUGAN_REAL_GPU=1). */
const REAL_GPU_WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'];
/** No WebGPU adapter; ANGLE stays on SwiftShader so canvas, WebGL and video keep working. */
const NO_WEBGPU_FLAGS = ['--disable-webgpu', '--use-angle=swiftshader'];

export interface LaunchOptions {
  /** Launch with WebGPU (default true). */
  webgpu?: boolean;
  /** Which WebGPU adapter: SwiftShader, or the machine's GPU (default: CUGAN_REAL_GPU decides). */
  gpu?: 'swiftshader' | 'real';
  /** Milliseconds one DevTools call (e.g. a page.evaluate awaiting a long run) may take (default 120 s). */
  protocolTimeout?: number;
  /** More Chromium flags. */
  args?: string[];
  /** Viewport, default 640x360. */
  width?: number;
  height?: number;
  /** Milliseconds for the browser to start (default 30 s). */
  timeout?: number;
  /** Unpacked extensions to load (folders with a manifest.json); launches over a pipe, as puppeteer needs for them. */
  extensions?: string[];
}

export interface TestBrowser {
  browser: Browser;
  /** The flags it was launched with. */
  args: string[];
  /** Console messages, page errors, failed requests, crashes, watchdog kills, in order. */
  log: string[];
  /** `[seconds since launch]`, the prefix of log lines. */
  stamp(): string;
  /** `log` as one block of text, for a failing test's message. */
  logText(): string;
  /** Peak summed resident memory of the browser's processes seen by the watchdog, in MB. */
  peakRssMB(): number;
  /** Why the browser was killed (the first reason), if it was. */
  killReason(): string | undefined;
  /** Kills every process of the browser at once (SIGKILL). */
  kill(reason: string): void;
  /** Closes the browser (killing it if it does not close within 5 s) and removes its profile. */
  close(): Promise<void>;
}

/** The Chromium flags of a launch. */
export function chromiumFlags(options: Pick<LaunchOptions, 'webgpu' | 'gpu' | 'args'> = {}): string[] {
  const real = options.gpu ? options.gpu === 'real' : !!process.env.CUGAN_REAL_GPU;
  const gpu = options.webgpu === false ? NO_WEBGPU_FLAGS : real ? REAL_GPU_WEBGPU_FLAGS : SWIFTSHADER_WEBGPU_FLAGS;
  return [...BASE_FLAGS, ...gpu, ...(options.args ?? [])];
}

const open = new Set<TestBrowser>();

/** Launches headless Chromium with a fresh temporary profile. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cugan-e2e-'));
  const args = chromiumFlags(options);
  const log: string[] = [];
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir,
      args: [...args], // puppeteer splices --enable-features out of the array it is given
      defaultViewport: { width: options.width ?? 640, height: options.height ?? 360 },
      timeout: options.timeout ?? 30_000,
      protocolTimeout: options.protocolTimeout ?? 120_000,
      ...(options.extensions?.length ? { pipe: true, enableExtensions: options.extensions } : {}),
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(
      `could not start ${CHROMIUM_PATH} (PUPPETEER_EXECUTABLE_PATH or CHROME_PATH choose another; ` +
        `under \`ulimit -v\` Chromium dies at start: use scripts/gpu-test.sh --browser): ${String(e)}`,
    );
  }
  const t0 = Date.now();
  const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1)}s]`;
  const pid = browser.process()?.pid;

  let peak = 0;
  let closed = false;
  let killReason: string | undefined;
  const kill = (reason: string) => {
    killReason ??= reason;
    log.push(`${stamp()} killing the browser: ${reason}`);
    for (const p of pid ? [pid, ...descendants(pid)] : []) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const watchdog = setInterval(() => {
    if (!pid) return;
    const mb = treeRssMB(pid);
    peak = Math.max(peak, mb);
    if (mb > MAX_RSS_MB) {
      clearInterval(watchdog);
      kill(`its processes hold ${mb.toFixed(0)} MB resident, over CUGAN_E2E_MAX_RSS_MB=${MAX_RSS_MB}`);
    }
  }, 250);
  watchdog.unref();

  browser.on('targetcreated', async (target) => {
    const page = await target.page().catch(() => null);
    if (page) attachLog(page, log, stamp);
  });
  browser.on('disconnected', () => log.push(`${stamp()} browser disconnected`));
  const b: TestBrowser = {
    browser,
    args,
    log,
    stamp,
    logText: () => (log.length ? log.join('\n') : '(no browser messages)'),
    peakRssMB: () => peak,
    killReason: () => killReason,
    kill,
    async close() {
      if (closed) return;
      closed = true;
      open.delete(b);
      clearInterval(watchdog);
      const proc = browser.process();
      const exited = new Promise<void>((ok) => {
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) ok();
        else proc.once('exit', () => ok());
      });
      const timer = setTimeout(() => kill('it did not close within 5 s'), 5_000);
      try {
        await browser.close();
      } catch {
        kill('close() failed');
      }
      // Remove the profile only once Chromium is gone (it writes there until it exits).
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 6_000))]);
      clearTimeout(timer);
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  open.add(b);
  return b;
}

/** Closes every browser still open (for an `after` hook). */
export async function closeAllBrowsers(): Promise<void> {
  await Promise.all([...open].map((b) => b.close()));
}

/** Pids of every process below `root` (Linux /proc; empty elsewhere). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) for (const c of children.get(todo.pop()!) ?? []) out.push(c), todo.push(c);
  return out;
}

/** Summed resident memory (MB) of `root` and its descendants. */
function treeRssMB(root: number): number {
  let pages = 0;
  for (const p of [root, ...descendants(root)]) {
    try {
      pages += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]);
    } catch {
      // exited meanwhile
    }
  }
  return (pages * 4096) / 1e6;
}

const attached = new WeakSet<Page>();
function attachLog(page: Page, log: string[], stamp: () => string): void {
  if (attached.has(page)) return;
  attached.add(page);
  page.on('console', (m) => {
    const loc = m.location();
    // Vite's client tries a websocket for HMR, which the test server does not open: noise.
    if (loc.url?.endsWith('/@vite/client') && /websocket|connecting|server connection/i.test(m.text())) return;
    const where = loc.url ? ` (${loc.url.replace(/^https?:\/\/[^/]+/, '')}:${loc.lineNumber ?? '?'})` : '';
    log.push(`${stamp()} console.${m.type()}: ${m.text()}${where}`);
  });
  page.on('pageerror', (e) => log.push(`${stamp()} pageerror: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  page.on('requestfailed', (r) => log.push(`${stamp()} requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) log.push(`${stamp()} HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('error', (e) => log.push(`${stamp()} page crashed: ${e.message}`));
}

export interface OpenPageOptions {
  /** Default timeout of the page's waits, and of the navigation (ms, default 30 s). */
  timeout?: number;
  /** Delete `navigator.gpu` before the page's scripts run (a browser without the WebGPU API). */
  hideWebGPU?: boolean;
}

/** Opens a new tab on `url` (waits for `load`); its console and errors go to `b.log`. */
export async function openPage(b: TestBrowser, url: string, options: OpenPageOptions = {}): Promise<Page> {
  const timeout = options.timeout ?? 30_000;
  const page = await b.browser.newPage();
  attachLog(page, b.log, b.stamp);
  page.setDefaultTimeout(timeout);
  if (options.hideWebGPU) {
    await page.evaluateOnNewDocument(() => {
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
  }
  await page.goto(url, { waitUntil: 'load', timeout });
  return page;
}

export interface WithBrowserOptions extends LaunchOptions {
  /** Names the screenshot taken on failure: test/.tmp/e2e/NAME.png. */
  name: string;
  /** Kill the browser and fail after this many ms (default 60 s); keep it below the test's own timeout. */
  limit?: number;
}

/**
 * Launches a browser, runs `fn`, always closes the browser. On failure (or past `limit`) the
 * error carries the browser's log and the path of a screenshot of the last page.
 */
export async function withBrowser<T>(options: WithBrowserOptions, fn: (b: TestBrowser) => Promise<T>): Promise<T> {
  const b = await launchBrowser(options);
  const limit = options.limit ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(b),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${options.name}: still running after ${limit} ms`)), limit);
      }),
    ]);
  } catch (e) {
    let shot = '';
    if (b.browser.connected) {
      const pages = await b.browser.pages().catch(() => []);
      const last = pages.at(-1);
      if (last) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const path = join(SCREENSHOT_DIR, `${options.name.replace(/[^\w.-]+/g, '_')}.png`);
        const ok = await Promise.race([
          last.screenshot({ path }).then(() => true, () => false),
          new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
        ]);
        if (ok) shot = `\nscreenshot: ${path}`;
      }
    }
    const killed = b.killReason();
    if (b.browser.connected) b.kill('the test failed');
    let message = e instanceof Error ? e.message : String(e);
    if (killed) message = `the browser was killed: ${killed} (then: ${message})`;
    const err = new Error(`${message}${shot}\n--- browser log (${options.name}) ---\n${b.logText()}\n--- end of browser log ---`);
    if (e instanceof Error) err.stack = `${err.message}\n${e.stack?.split('\n').slice(1).join('\n') ?? ''}`;
    throw err;
  } finally {
    clearTimeout(timer);
    await b.close();
  }
}
