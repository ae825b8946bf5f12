// Stills give the official pixels by default: createUpscaler() stores feature maps as f32 even
// on an adapter with shader-f16, where precision 'auto' would pick f16. SwiftShader (the default
// test adapter) has no shader-f16, so this runs on Mesa's lavapipe (which has it) in a child
// process: Dawn picks its Vulkan driver once per process.
// Run: bash scripts/gpu-test.sh test/gpu/precision-default.test.ts (CUGAN_F16_ICD: another driver with shader-f16)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modelsAvailable } from '../helpers/models.js';

const F16_ICD = process.env.CUGAN_F16_ICD ?? '/usr/share/vulkan/icd.d/lvp_icd.json';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skip = !modelsAvailable()
  ? 'no converted models (npm run weights)'
  : !existsSync(F16_ICD)
    ? `no Vulkan driver with shader-f16 at ${F16_ICD} (Debian: mesa-vulkan-drivers; or set CUGAN_F16_ICD)`
    : false;

const script = `
  const { createUpscaler } = await import(${JSON.stringify(new URL('src/runtime/upscaler.ts', `file://${ROOT}`).href)});
  const byDefault = await createUpscaler({ model: 'se/up2x-conservative' });
  const auto = await createUpscaler({ model: 'se/up2x-conservative', precision: 'auto' });
  console.log(JSON.stringify({
    f16: byDefault.device.features.has('shader-f16'),
    adapter: byDefault.device.adapterInfo?.description ?? '',
    byDefault: byDefault.precision,
    auto: auto.precision,
  }));
  byDefault.destroy();
  auto.destroy();
`;

test("createUpscaler() defaults to precision 'f32' on an adapter with shader-f16 ('auto' would be f16)", { skip, timeout: 120_000 }, (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VK_ICD_FILENAMES: F16_ICD, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    timeout: 110_000,
  });
  assert.equal(r.status, 0, `the child failed:\n${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  t.diagnostic(`adapter: ${out.adapter}`);
  assert.equal(out.f16, true, `${F16_ICD} gave an adapter without shader-f16 (${out.adapter}): this check needs one`);
  assert.equal(out.auto, 'f16', "precision 'auto' picks f16 on this adapter");
  assert.equal(out.byDefault, 'f32', 'without a precision option a still must be exact (f32)');
});
