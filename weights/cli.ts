// `npx cugan-weights --out DIR SOURCE…` (in this repository `npm run weights`): converts the
// released Real-CUGAN weights into packed .cugan files, a manifest.json and the weights'
// licences: the folder a site serves. Run from a checkout of the repository (weights/cli.ts,
// not the package's dist/weights-cli.js), SOURCE defaults to ../shared/weights/realcugan next
// to the repository, so `npm run weights` needs no arguments.

import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CuganError } from '../src/runtime/errors.js';
import type { WeightDType } from '../src/runtime/model/packed-format.js';
import { convertAll, convertSource, detectSource, DTYPES, type ConvertResult } from './convert.js';
import { copyLicences, findLicences, LICENCE_LEVELS } from './licences.js';
import { updateManifest, type PackedFile } from './manifest-writer.js';

/** The package root (the repository, or node_modules/cugan-webgpu): dist/ and weights/ are one level down. */
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const IN_CHECKOUT = fileURLToPath(import.meta.url).endsWith(`${sep}weights${sep}cli.ts`);

const USAGE = `usage: npx cugan-weights --out DIR SOURCE…
Converts the released Real-CUGAN weights into the files cugan-webgpu loads: DIR/<family>/<name>.<dtype>.cugan,
DIR/manifest.json (size and SHA-256 of each) and the weights' LICENSE files: the folder a site serves.
  SOURCE           a folder of models (a realcugan-ncnn-vulkan release or its models-se/, models-pro/,
                   models-nose/ folders; official .pth files) or one .param/.bin/.pth file
                   (default: $CUGAN_WEIGHTS)
  --out DIR        the output folder (default: the installed package's models/, where the cugan
                   command looks)
  --dtype f32|f16  write only this precision (default both; the players and createUpscaler load f32)
  --force          rewrite outputs that are up to date
  --id MODEL_ID    the model id of a single SOURCE file with an unofficial name (e.g. se/up2x-conservative)${IN_CHECKOUT ? `
In this repository \`npm run weights\` runs this with SOURCE defaulting to ../shared/weights/realcugan
and --out to models/.` : ''}`;

const HINT = 'run `npx cugan-weights --help` for the options';

/** SOURCE when none is given: $CUGAN_WEIGHTS, else (in a checkout only) ../shared/weights/realcugan. */
function defaultSourceFolder(env = process.env, inCheckout = IN_CHECKOUT): string | undefined {
  if (env.CUGAN_WEIGHTS) return resolve(env.CUGAN_WEIGHTS);
  return inCheckout ? resolve(PACKAGE, '..', 'shared', 'weights', 'realcugan') : undefined;
}

interface Args {
  out: string;
  dtypes: WeightDType[];
  force: boolean;
  id?: string;
  sources: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: resolve(PACKAGE, 'models'), dtypes: [...DTYPES], force: false, sources: [] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const value = (): string => {
      const v = argv[++k];
      if (v === undefined) throw new CuganError('BAD_OPTION', `${a} needs a value\n${HINT}`);
      return v;
    };
    if (a === '--out') args.out = resolve(value());
    else if (a === '--dtype') {
      const d = value();
      if (d !== 'f32' && d !== 'f16') throw new CuganError('BAD_OPTION', `--dtype ${d}: expected f32 or f16\n${HINT}`);
      args.dtypes = [d];
    } else if (a === '--force') args.force = true;
    else if (a === '--id') args.id = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new CuganError('BAD_OPTION', `unknown option ${a}\n${HINT}`);
    else args.sources.push(resolve(a));
  }
  if (args.sources.length === 0) {
    const dflt = defaultSourceFolder();
    if (!dflt) {
      throw new CuganError('BAD_OPTION', `name the released weights to convert: npx cugan-weights --out DIR SOURCE… (or set CUGAN_WEIGHTS)\n${HINT}`);
    }
    args.sources.push(dflt);
  }
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
  const copied = new Map<string, Buffer>();
  for (const src of args.sources) {
    const found = await findLicences(src);
    if (found.length === 0) {
      console.error(`warning: no LICENSE file in ${show(src)} or the ${LICENCE_LEVELS} folders above it: the weights are MIT-licensed (Real-CUGAN © bilibili; the ncnn port © nihui), so put their licence texts in ${show(args.out)} before you deploy it`);
      continue;
    }
    const names = await copyLicences(found, args.out, copied);
    if (names.length > 0) console.log(`licences: ${names.join(', ')} (from ${show(dirname(found[0]!))})`);
  }
  console.log(`${written} file(s) written, ${skipped} up to date, in ${show(args.out)}; manifest.json lists ${manifest.models.length}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CuganError) console.error(`error [${err.code}]: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
