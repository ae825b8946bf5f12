#!/usr/bin/env node
// The `cugan` command. From the package: dist/cli.js (`npm run build`). In a checkout of the
// repository (src/ present, tsx installed): the TypeScript sources through tsx, so it never runs
// a stale build.
// Where WebGPU finds no adapter and no Vulkan driver was chosen (VK_ICD_FILENAMES unset), the
// command runs once more in a child process on SwiftShader, the software Vulkan driver that
// Debian's chromium package carries (or the ICD file named by CUGAN_SWIFTSHADER_ICD).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const SWIFTSHADER_ICD = process.env.CUGAN_SWIFTSHADER_ICD || '/usr/lib/chromium/vk_swiftshader_icd.json';
const args = process.argv.slice(2);

/** Re-runs this command on SwiftShader; undefined where that is not possible. */
async function onNoAdapter() {
  if (process.env.VK_ICD_FILENAMES || process.env.CUGAN_SWIFTSHADER_CHILD || !existsSync(SWIFTSHADER_ICD)) return undefined;
  process.stderr.write(`cugan: no GPU adapter found; falling back to SwiftShader (software rendering, slow): ${SWIFTSHADER_ICD}\n`);
  const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, CUGAN_SWIFTSHADER_CHILD: '1' };
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit', env });
  // Ctrl-C reaches the child too (same process group); this process waits for its status.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`cugan: could not start the SwiftShader run: ${e.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}

async function loadMain() {
  const sources = new URL('../src/cli/main.ts', import.meta.url);
  if (existsSync(fileURLToPath(sources))) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return (await import(sources.href)).main;
    } catch (e) {
      if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e; // no tsx: fall through to the build
    }
  }
  return (await import('../dist/cli.js')).main;
}

const main = await loadMain();
process.exitCode = await main(args, { onNoAdapter });
