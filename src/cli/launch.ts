// How bin/cugan.js runs a command. `cugan upscale` runs in a child process whose stderr passes
// through DawnWarningFilter (Dawn writes its warnings from native code, out of JavaScript's
// reach); the other commands never load Dawn and run in this process. Where WebGPU finds no
// adapter and no Vulkan driver was chosen (VK_ICD_FILENAMES unset), the command runs once more
// on SwiftShader, the software Vulkan driver that Debian's chromium package carries (or the ICD
// file named by CUGAN_SWIFTSHADER_ICD), with stdin's bytes handed on when they were read.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { DawnWarningFilter } from './dawn-filter.js';
import { main } from './main.js';

export { main } from './main.js';

const DEFAULT_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface ChildOptions {
  env: NodeJS.ProcessEnv;
  /** Pass the child's stderr through the Dawn warning filter. */
  filter: boolean;
  /** Bytes for the child's stdin (else it shares this process's stdin). */
  stdin?: Uint8Array;
}

/** Runs `script argv` in a child Node process; resolves to its exit status. */
function runChild(script: string, argv: readonly string[], opts: ChildOptions): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    env: opts.env,
    // The IPC channel closes when this process dies, however it dies: the child then stops too.
    stdio: [opts.stdin ? 'pipe' : 'inherit', 'inherit', opts.filter ? 'pipe' : 'inherit', 'ipc'],
  });
  if (opts.stdin) child.stdin!.end(opts.stdin);
  if (opts.filter) {
    const filter = new DawnWarningFilter((s) => process.stderr.write(s));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => filter.push(s));
    child.stderr!.on('end', () => filter.end());
  }
  // Ctrl-C reaches the child too (same process group); a kill of this process is passed on.
  const ignore = () => {};
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers: [NodeJS.Signals, () => void][] = [['SIGINT', ignore], ['SIGTERM', forward('SIGTERM')], ['SIGHUP', forward('SIGHUP')]];
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve) => {
    const done = (status: number) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(status);
    };
    child.on('error', (e) => {
      process.stderr.write(`cugan: could not start ${script}: ${e.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}

/** Re-runs the command on SwiftShader; undefined where that is not possible. */
async function onSwiftShader(script: string, argv: readonly string[], stdin: Uint8Array | undefined): Promise<number | undefined> {
  const icd = process.env.CUGAN_SWIFTSHADER_ICD || DEFAULT_SWIFTSHADER_ICD;
  if (process.env.VK_ICD_FILENAMES || process.env.CUGAN_SWIFTSHADER_CHILD || !existsSync(icd)) return undefined;
  process.stderr.write(`cugan: no GPU adapter found; falling back to SwiftShader (software rendering, slow): ${icd}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: icd, CUGAN_SWIFTSHADER_CHILD: '1', CUGAN_CLI_CHILD: '1' };
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
  // Its stderr is this process's: the parent's filter sees it.
  return runChild(script, argv, { env, filter: false, stdin });
}

/** Runs the command line `argv` of the bin script `script`; resolves to the exit status. */
export async function launch(argv: readonly string[], script: string): Promise<number> {
  const env = process.env;
  const inChild = env.CUGAN_CLI_CHILD === '1';
  if (argv[0] !== 'upscale' || inChild || env.CUGAN_DEBUG) {
    if (inChild && process.channel) {
      process.channel.unref();
      process.on('disconnect', () => process.exit(1));
    }
    return main(argv, { onNoAdapter: (stdin) => onSwiftShader(script, argv, stdin) });
  }
  const childEnv: NodeJS.ProcessEnv = { ...env, CUGAN_CLI_CHILD: '1' };
  if (process.stderr.isTTY) {
    childEnv.CUGAN_STDERR_TTY = '1';
    if (process.stderr.columns) childEnv.COLUMNS = String(process.stderr.columns);
  }
  return runChild(script, argv, { env: childEnv, filter: true });
}
