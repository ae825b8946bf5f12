// `npm run weights [-- options] [SOURCE...]`: converts Real-CUGAN weights into packed .cugan
// files. Without SOURCE it converts every model under $CUGAN_WEIGHTS (default
// ../shared/weights/realcugan next to the repository) into models/.

import { copyFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CuganError } from '../src/runtime/errors.js';
import type { WeightDType } from '../src/runtime/model/packed-format.js';
import { convertAll, convertSource, detectSource, DTYPES, type ConvertResult } from './convert.js';
import { updateManifest, type PackedFile } from './manifest-writer.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `usage: npm run weights -- [--out DIR] [--dtype f32|f16] [--force] [--id MODEL_ID] [SOURCE...]
  SOURCE   a folder of models (models-<family>/*.param + .bin, official .pth files) or one
           .param/.bin/.pth file; default $CUGAN_WEIGHTS or ../shared/weights/realcugan
  --out    output folder (default models/ in the repository); files go to <out>/<family>/<name>.<dtype>.cugan,
           with <out>/manifest.json (size and SHA-256 of each) and the weights' LICENSE files:
           the folder a site deploys
  --dtype  write only this precision (default both)
  --force  rewrite outputs that are up to date
  --id     the model id of a single SOURCE file with an unofficial name (e.g. se/up2x-conservative)`;

export function defaultSourceFolder(env = process.env): string {
  return env.CUGAN_WEIGHTS ? resolve(env.CUGAN_WEIGHTS) : resolve(REPO, '..', 'shared', 'weights', 'realcugan');
}

interface Args {
  out: string;
  dtypes: WeightDType[];
  force: boolean;
  id?: string;
  sources: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: resolve(REPO, 'models'), dtypes: [...DTYPES], force: false, sources: [] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const value = (): string => {
      const v = argv[++k];
      if (v === undefined) throw new CuganError('BAD_OPTION', `${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--out') args.out = resolve(value());
    else if (a === '--dtype') {
      const d = value();
      if (d !== 'f32' && d !== 'f16') throw new CuganError('BAD_OPTION', `--dtype ${d}: expected f32 or f16`);
      args.dtypes = [d];
    } else if (a === '--force') args.force = true;
    else if (a === '--id') args.id = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new CuganError('BAD_OPTION', `unknown option ${a}\n${USAGE}`);
    else args.sources.push(resolve(a));
  }
  if (args.sources.length === 0) args.sources.push(defaultSourceFolder());
  return args;
}

const show = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
};

function progress(r: ConvertResult): void {
  const outs = r.outputs.map((o) => `${o.dtype} ${(o.bytes / 1e6).toFixed(2)} MB${o.skipped ? ' (up to date)' : ''}`).join(', ');
  console.log(`${r.source.id.padEnd(22)} ${r.source.format.padEnd(4)}  ${outs}  ${Math.round(r.ms)} ms`);
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.id !== undefined && args.sources.length !== 1) throw new CuganError('BAD_OPTION', '--id needs exactly one SOURCE file');
  if (args.id !== undefined && (await stat(args.sources[0]!).then((s) => s.isDirectory(), () => false))) {
    throw new CuganError('BAD_OPTION', '--id names the model of one file, not of a folder');
  }
  let written = 0;
  let skipped = 0;
  const packed: PackedFile[] = [];
  for (const src of args.sources) {
    const isDir = await stat(src).then((s) => s.isDirectory(), () => false);
    const opts = { dtypes: args.dtypes, force: args.force, onModel: progress };
    const results = isDir ? await convertAll(src, args.out, opts) : [await convertSource(await detectSource(src, { id: args.id }), args.out, opts)];
    for (const r of results) {
      for (const o of r.outputs) {
        o.skipped ? skipped++ : written++;
        packed.push({ id: r.source.id, dtype: o.dtype, path: o.path });
      }
    }
  }
  const manifest = await updateManifest(args.out, packed);
  // The weights' licences travel with the converted files (MIT: keep the notices).
  for (const src of args.sources) {
    // A folder: its own licences; one model file (models-se/x.param): those of its release folder.
    const isDir = await stat(src).then((s) => s.isDirectory(), () => false);
    for (const dirToSearch of isDir ? [src] : [dirname(src), dirname(dirname(src))]) {
      for (const name of await readdir(dirToSearch).catch(() => [] as string[])) {
        if (/^LICEN[CS]E/i.test(name)) await copyFile(join(dirToSearch, name), join(args.out, name));
      }
    }
  }
  console.log(`${written} file(s) written, ${skipped} up to date, in ${show(args.out)}; manifest.json lists ${manifest.models.length}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CuganError) console.error(`error [${err.code}]: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
