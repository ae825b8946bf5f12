#!/usr/bin/env node
// The `cugan` command. From the package: dist/cli.js (`npm run build`). In a checkout of the
// repository (src/ present, tsx installed): the TypeScript sources through tsx, so it never runs
// a stale build. What runs where (a child process for Dawn's stderr, the SwiftShader fallback):
// src/cli/launch.ts.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

async function loadLaunch() {
  const sources = new URL('../src/cli/launch.ts', import.meta.url);
  if (existsSync(fileURLToPath(sources))) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return (await import(sources.href)).launch;
    } catch (e) {
      if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e; // no tsx: fall through to the build
    }
  }
  return (await import('../dist/cli.js')).launch;
}

const launch = await loadLaunch();
process.exitCode = await launch(process.argv.slice(2), fileURLToPath(import.meta.url));
