// Is there a Vulkan driver for Dawn (Node's `webgpu`) on this Linux machine, and is it a GPU?
// Looks where the Vulkan loader looks (its documented search path) without loading anything,
// so a bare machine gets a sentence saying what to install instead of Dawn's "no adapter".

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface VulkanDriver {
  /** The ICD manifest (JSON). */
  file: string;
  /** Its library_path. */
  library: string;
  /** lavapipe (Mesa's llvmpipe) or SwiftShader: Vulkan on the CPU. */
  software: boolean;
}

export interface VulkanStatus {
  /** Where libvulkan.so.1 was found, if anywhere. */
  loader?: string;
  /** The drivers the loader would consider (VK_DRIVER_FILES / VK_ICD_FILENAMES replace the search). */
  drivers: VulkanDriver[];
  /** NVIDIA's ICD where container images keep it, when the loader's search does not reach it. */
  nvidiaOutsideSearch?: string;
}

const SOFTWARE = /lvp|lavapipe|llvmpipe|swiftshader/i;

function findLoader(): string | undefined {
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /libvulkan\.so\.1 .*=> (\S+)/.exec(out);
    if (m) return m[1];
  } catch {
    // no ldconfig on PATH: try the usual places
  }
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib']
    .map((d) => join(d, 'libvulkan.so.1'))
    .find((p) => existsSync(p));
}

/** The ICD manifest folders of the loader's search, in its order. */
function icdFolders(): string[] {
  const env = process.env;
  const config = [env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'), '/etc'];
  const data = [env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':')];
  return [...config, ...data].filter(Boolean).map((d) => join(d, 'vulkan/icd.d'));
}

function readDriver(file: string): VulkanDriver | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { ICD?: { library_path?: string } };
    const library = json.ICD?.library_path ?? '';
    return { file, library, software: SOFTWARE.test(`${file} ${library}`) };
  } catch {
    return undefined;
  }
}

const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)) : []);

export function vulkanStatus(): VulkanStatus {
  const explicit = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  const files = explicit ? explicit.split(':').filter(Boolean) : icdFolders().flatMap(jsonFiles);
  if (!explicit) files.push(...(process.env.VK_ADD_DRIVER_FILES ?? '').split(':').filter(Boolean));
  const drivers = [...new Set(files)].map(readDriver).filter((d): d is VulkanDriver => !!d);
  const nvidia = jsonFiles('/usr/local/nvidia/share/vulkan/icd.d').find((f) => /nvidia/i.test(f));
  return {
    loader: findLoader(),
    drivers,
    ...(nvidia && !drivers.some((d) => d.file === nvidia) ? { nvidiaOutsideSearch: nvidia } : {}),
  };
}

/** What is missing, in sentences (empty when a GPU driver and the loader are there). */
export function vulkanAdvice(s: VulkanStatus): string[] {
  const out: string[] = [];
  if (!s.loader) out.push('No Vulkan loader (libvulkan.so.1): install it (Debian/Ubuntu: apt-get install libvulkan1).');
  if (!s.drivers.some((d) => !d.software)) {
    if (s.nvidiaOutsideSearch) {
      out.push(`NVIDIA's Vulkan driver is at ${s.nvidiaOutsideSearch}, outside the loader's search: export VK_DRIVER_FILES=${s.nvidiaOutsideSearch}`);
    } else {
      out.push(
        `No GPU Vulkan driver${s.drivers.length ? ` (only software ones: ${s.drivers.map((d) => d.file).join(', ')})` : ''}. ` +
          'NVIDIA: the driver\'s Vulkan part (Debian/Ubuntu: libnvidia-gl-<version> matching the kernel driver; in a container, NVIDIA_DRIVER_CAPABILITIES must include graphics). ' +
          'AMD, Intel: Mesa (apt-get install mesa-vulkan-drivers). Check with vulkaninfo --summary (package vulkan-tools).',
      );
    }
  }
  return out;
}
