#!/usr/bin/env node
// The `cugan-weights` command (the converter, `npm run weights` of the repository), from the
// package's build: `npx cugan-weights --out DIR SOURCE…`.
await import('../dist/weights-cli.js');
