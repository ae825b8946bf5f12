// The `cugan` command: upscale images, list the models. Run through bin/cugan.js (launch.ts).
// main() is the whole command in one process; the launcher wraps it for Dawn's native stderr
// output and the SwiftShader fallback.

import { readFileSync } from 'node:fs';
import { parseArgs, UsageError, type Command } from './args.js';
import { HELP, MODELS_HELP, UPSCALE_HELP, usageHint } from './help.js';
import { listModels, modelsFolder } from './models-folder.js';
import { runUpscale, type CliIO, type RunOptions } from './upscale-run.js';

export { DEFAULT_MODEL, parseArgs, UsageError } from './args.js';
export { checkOutputPath } from './jobs.js';
export { formatMacs, NO_ADAPTER_HELP, type CliIO } from './upscale-run.js';

export interface MainOptions extends RunOptions {
  io?: CliIO;
}

/** The package's version: package.json is two folders up from src/cli/, one from dist/cli.js. */
function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'cugan-webgpu') return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  return 'unknown';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/**
 * The process's streams. Under the launcher stderr is a pipe to the parent, which says through
 * CUGAN_STDERR_TTY (and COLUMNS) whether the terminal behind it is one.
 */
export function processIO(env: NodeJS.ProcessEnv = process.env): CliIO {
  const tty = process.stderr.isTTY || env.CUGAN_STDERR_TTY === '1';
  const columns = process.stderr.columns || Number(env.COLUMNS) || undefined;
  return {
    stdout: process.stdout,
    stderr: { write: (s: string) => process.stderr.write(s), isTTY: tty, columns },
    readStdin: () => readAll(process.stdin),
  };
}

function help(topic: 'upscale' | 'models' | undefined): string {
  return topic === 'upscale' ? UPSCALE_HELP : topic === 'models' ? MODELS_HELP : HELP;
}

/** Runs the command line; returns the exit status (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[], opts: MainOptions = {}): Promise<number> {
  const io = opts.io ?? processIO();
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`cugan: ${e.message}\n${usageHint(e.topic)}\n`);
    return 2;
  }
  try {
    switch (cmd.command) {
      case 'help':
        io.stdout.write(`${help(cmd.topic)}\n`);
        return 0;
      case 'version':
        io.stdout.write(`cugan ${version()}\n`);
        return 0;
      case 'models':
        io.stdout.write(listModels(modelsFolder(cmd.models)));
        return 0;
      case 'upscale':
        return await runUpscale(cmd, io, opts);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`cugan: ${message}\n`);
    if (process.env.CUGAN_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
