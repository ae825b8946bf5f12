// The Markdown report of a run: speed table, ours vs peers, quality table.
import type { BenchRun, SpeedRecord } from './records.js';

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const size = (r: { width: number; height: number }) => `${r.width}x${r.height}`;
const label = (r: SpeedRecord) => (r.impl === 'onnxruntime-web' ? `onnxruntime-web (${r.backend})` : r.impl);

export function markdownReport(run: BenchRun): string {
  const out: string[] = [];
  const a = run.adapter;
  out.push(`# Benchmark: ${a.name} (${run.date})`, '');
  out.push(`- Command: \`${run.command}\`${run.quick ? ' (quick mode)' : ''}`);
  out.push(`- Adapter: ${a.name}${a.description ? ` (${a.description})` : ''}${a.swiftshader ? ', **SwiftShader: WebGPU in software on the CPU**' : ''}; timestamp queries: ${a.timestamps ? 'yes' : 'no'}; shader-f16: ${a.f16 ? 'yes' : 'no'}`);
  out.push(`- Browser: ${run.browser}`);
  out.push(`- Host: ${run.host.cpus} x ${run.host.cpu}, ${run.host.memory_gb} GB; load average (1, 5, 15 min) at start ${run.host.loadavg.map((l) => l.toFixed(2)).join(' ')}, at the end ${run.host.loadavg_end.map((l) => l.toFixed(2)).join(' ')}`);
  out.push(`- FMA peak measured in this run, the best of ${run.peak.shapes.length} kernel shapes (bench/lib/fma-peak.ts): **f32 ${f(run.peak.gflops)} GFLOP/s** (${run.peak.variant})${run.peak_f16 ? `, f16 ${f(run.peak_f16.gflops)} GFLOP/s (${run.peak_f16.variant})` : ''}; every % of peak is of the f32 figure`);
  out.push(`- Times are wall ms per frame from submit to \`onSubmittedWorkDone\`, after warm-up; ${run.seconds.toFixed(0)} s for the whole run.`, '');

  out.push('## Speed', '');
  out.push('| implementation | model | input | output | ms/frame (median) | p90 | fps | GMAC | GFLOP/s | % of peak | GPU ms per stage |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of run.speed) {
    const scale = r.impl === 'ours' || r.impl === 'ours-player' ? Number(/up(\d)x/.exec(r.model)?.[1] ?? 2) : 2;
    const stages = r.stages ? Object.entries(r.stages).map(([k, v]) => `${k} ${ms(v)}`).join(', ') : '';
    out.push(
      `| ${label(r)} | ${r.model} | ${size(r)} | ${r.width * scale}x${r.height * scale} | ${ms(r.ms_median)} | ${ms(r.ms_p90)} | ${f(r.fps, r.fps < 1 ? 3 : 1)} | ${r.gmac ? f(r.gmac, 2) : ''} | ${r.gflops ? f(r.gflops, 2) : ''} | ${r.pct_peak ? f(r.pct_peak) : ''} | ${stages}${r.note ? ` ${r.note}` : ''} |`,
    );
  }
  out.push('');

  const profiled = run.speed.filter((r) => r.kinds);
  if (profiled.length) {
    out.push('## Our passes by kind (one frame, every pass timed on its own)', '');
    out.push(`GFLOP/s = 2 x multiply-adds / GPU time; % of the FMA peak measured above (${f(run.peak.gflops)} GFLOP/s).`, '');
    out.push('| model | input | conv block | kind | passes | GPU ms | share | GFLOP/s | % of peak |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const r of profiled) {
      const total = Object.values(r.kinds!).reduce((a, k) => a + k.ms, 0);
      for (const [kind, k] of Object.entries(r.kinds!)) {
        const g = k.macs && k.ms ? (2 * k.macs) / k.ms / 1e6 : 0;
        out.push(`| ${r.model} | ${size(r)} | ${r.convBlock ?? ''} | ${kind} | ${k.passes} | ${ms(k.ms)} | ${f((100 * k.ms) / total)}% | ${g ? f(g, 2) : ''} | ${g ? f((100 * g) / run.peak.gflops) : ''} |`);
      }
    }
    out.push('');
  }

  const pairs = peerPairs(run.speed);
  if (pairs.length) {
    out.push('## Ours vs onnxruntime-web (same network, same input, same browser and adapter)', '');
    out.push('| input | ours ms | onnxruntime-web WebGPU ms | our speed-up | onnxruntime-web wasm ms (CPU) | wasm vs ours | WebGPU EP output vs ours | wasm output vs ours |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const p of pairs) {
      const chk = (r?: SpeedRecord) => (r?.check ? `max \\|diff\\| ${r.check.max_abs_diff_255.toFixed(4)} (0..255), ${r.check.uint8_off}/${r.check.uint8_total} bytes off` : '–');
      out.push(
        `| ${p.size} | ${ms(p.ours.ms_median)} | ${p.webgpu ? ms(p.webgpu.ms_median) : '–'} | ${p.webgpu ? `**${f(p.webgpu.ms_median / p.ours.ms_median, 2)}x**` : '–'} | ${p.wasm ? ms(p.wasm.ms_median) : '–'} | ${p.wasm ? `${f(p.ours.ms_median / p.wasm.ms_median, 2)}x faster than ours` : '–'} | ${chk(p.webgpu)} | ${chk(p.wasm)} |`,
      );
    }
    if (run.adapter.swiftshader) {
      out.push('', 'On SwiftShader, WebGPU itself runs on the CPU through an emulated GPU: the wasm backend (SIMD, threads) is the faster way to use this CPU, and the fair comparison of our kernels is against the WebGPU EP.');
    }
    out.push('');
  }

  if (run.reuse?.length) {
    out.push('## Frame reuse on the demo clip (drawn on twos, 24 fps, stepped frame by frame)', '');
    out.push('| frame reuse | source | frames shown | frames run through the network | GPU ms per shown frame |');
    out.push('|---|---|---|---|---|');
    for (const r of run.reuse) out.push(`| ${r.reuse ? 'on' : 'off'} | ${r.source} | ${r.frames} | ${r.computed} | ${f(r.gpuMsPerFrame, 1)} |`);
    const on = run.reuse.find((r) => r.reuse);
    const off = run.reuse.find((r) => !r.reuse);
    if (on && off) out.push('', `GPU work per shown frame with reuse: ${f((100 * on.gpuMsPerFrame) / off.gpuMsPerFrame, 0)}% of a full run per frame.`);
    out.push('');
  }

  if (run.regions?.length) {
    out.push('## Region reuse (no-SE model): a held frame with one moving patch, drawn on twos', '');
    out.push('The real frame, held, except a patch of 1/16 x 1/10 of it that moves one pixel per drawing; each frame uploaded, run and waited for (wall ms).', '');
    out.push('| model | input | region tiles | frames | ms per frame, reuse off | ms per frame, reuse on | on / off | run whole | run as tiles (tiles run) | same pixels |');
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of run.regions) {
      out.push(`| ${r.model} | ${r.width}x${r.height} | ${r.tiles} | ${r.frames} | ${f(r.msOff, 0)} | ${f(r.msOn, 0)} | ${f((100 * r.msOn) / r.msOff, 0)}% | ${r.computed} | ${r.regionFrames} (${r.regionTiles}) | ${r.same ? 'yes' : '**no**'} |`);
    }
    out.push('');
  }

  if (run.quality.length) {
    out.push('## Quality (downscale 2x by box filter, upscale back, compare with the original)', '');
    const methods = [...new Set(run.quality.map((q) => q.method))];
    const images = [...new Set(run.quality.map((q) => q.image))];
    out.push(`| method | ${images.map((i) => `${i} PSNR / SSIM`).join(' | ')} | mean PSNR | mean SSIM |`);
    out.push(`|---|${images.map(() => '---').join('|')}|---|---|`);
    for (const m of methods) {
      const rows = images.map((i) => run.quality.find((q) => q.method === m && q.image === i));
      const ok = rows.filter((r): r is NonNullable<typeof r> => !!r);
      const mean = (k: 'psnr' | 'ssim') => ok.reduce((s, r) => s + r[k], 0) / ok.length;
      out.push(`| ${m} | ${rows.map((r) => (r ? `${f(r.psnr, 2)} / ${f(r.ssim, 4)}` : '–')).join(' | ')} | ${f(mean('psnr'), 2)} | ${f(mean('ssim'), 4)} |`);
    }
    out.push('', 'PSNR in dB over RGB; SSIM on luma (11x11 Gaussian window). Higher is better for both.', '');
  }
  return out.join('\n');
}

export interface PeerPair {
  size: string;
  ours: SpeedRecord;
  webgpu?: SpeedRecord;
  wasm?: SpeedRecord;
}

export function peerPairs(speed: SpeedRecord[]): PeerPair[] {
  const out: PeerPair[] = [];
  for (const r of speed) {
    if (r.impl !== 'onnxruntime-web') continue;
    const s = size(r);
    let p = out.find((x) => x.size === s);
    if (!p) {
      const ours = speed.find((o) => o.impl === 'ours' && o.model === 'se/up2x-no-denoise' && size(o) === s);
      if (!ours) continue;
      p = { size: s, ours };
      out.push(p);
    }
    if (r.backend === 'webgpu') p.webgpu = r;
    else p.wasm = r;
  }
  return out;
}
