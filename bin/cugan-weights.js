#!/usr/bin/env node
// The `cugan-weights` command (the converter, `npm run weights` of the repository), from the
// package's build: `npx cugan-weights --out public/cugan-models path/to/realcugan`.
await import('../dist/weights-cli.js');
