// SVG pictures of a run: ms per frame (log scale) by input size, one bar per implementation
// and model; and the quality crops side by side.
import type { BenchRun, SpeedRecord } from './records.js';

const COLORS: Record<string, string> = {
  ours: '#e4572e',
  'ours-player': '#f3a712',
  'onnxruntime-web': '#4c72b0',
  'anime4k-webgpu': '#55a868',
  bilinear: '#8c8c8c',
  bicubic: '#b0b0b0',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const name = (r: SpeedRecord) => (r.impl === 'onnxruntime-web' ? `onnxruntime-web ${r.backend}` : r.impl === 'ours' || r.impl === 'ours-player' ? `${r.impl} ${r.model}` : `${r.impl}${r.impl === 'anime4k-webgpu' ? ` ${r.model}` : ''}`);

export function speedSvg(run: BenchRun): string {
  const rows = run.speed.filter((r) => r.ms_median > 0);
  const sizes = [...new Set(rows.map((r) => `${r.width}x${r.height}`))].sort((a, b) => {
    const px = (s: string) => s.split('x').map(Number).reduce((x, y) => x * y, 1);
    return px(a) - px(b);
  });
  const barH = 16;
  const labelW = 300;
  const plotW = 520;
  const lo = Math.floor(Math.log10(Math.min(...rows.map((r) => r.ms_median))));
  const hi = Math.ceil(Math.log10(Math.max(...rows.map((r) => r.ms_median))));
  const x = (msv: number) => labelW + ((Math.log10(msv) - lo) / Math.max(1, hi - lo)) * plotW;
  const parts: string[] = [];
  let y = 50;
  for (const s of sizes) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">input ${s}</text>`);
    y += 20;
    for (const r of rows.filter((q) => `${q.width}x${q.height}` === s)) {
      const w = Math.max(1, x(r.ms_median) - labelW);
      parts.push(
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(name(r))}</text>`,
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 3}" fill="${COLORS[r.impl] ?? '#999'}"/>`,
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 12}">${r.ms_median >= 100 ? r.ms_median.toFixed(0) : r.ms_median.toFixed(2)} ms</text>`,
      );
      y += barH;
    }
    y += 10;
  }
  const axis: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const ax = x(10 ** e);
    axis.push(`<line x1="${ax}" y1="40" x2="${ax}" y2="${y}" stroke="#ddd"/>`, `<text x="${ax}" y="${y + 14}" text-anchor="middle">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)} ms</text>`);
  }
  const height = y + 24;
  const title = `ms per frame (log scale), ${esc(run.adapter.name)}${run.adapter.swiftshader ? ' (SwiftShader, CPU)' : ''}, ${run.date}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 120}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${title}</text>`,
    ...axis,
    ...parts,
    '</svg>',
  ].join('\n');
}

export interface QualityCrop {
  method: string;
  /** PNG bytes of the crop. */
  png: Uint8Array;
  psnr?: number;
  ssim?: number;
}

/** The same crop of each method's output, side by side, shown at 2x with nearest-neighbour. */
export function qualitySvg(title: string, crops: QualityCrop[], cropW: number, cropH: number): string {
  const zoom = 2;
  const cols = Math.min(4, crops.length);
  const cellW = cropW * zoom + 16;
  const cellH = cropH * zoom + 44;
  const rowsN = Math.ceil(crops.length / cols);
  const parts = crops.map((c, i) => {
    const cx = 10 + (i % cols) * cellW;
    const cy = 40 + Math.floor(i / cols) * cellH;
    const metric = c.psnr !== undefined ? `${Number.isFinite(c.psnr) ? c.psnr.toFixed(2) : '∞'} dB, SSIM ${c.ssim!.toFixed(4)}` : 'reference';
    return [
      `<image x="${cx}" y="${cy}" width="${cropW * zoom}" height="${cropH * zoom}" style="image-rendering:pixelated" href="data:image/png;base64,${Buffer.from(c.png).toString('base64')}"/>`,
      `<text x="${cx}" y="${cy + cropH * zoom + 16}" font-weight="bold">${esc(c.method)}</text>`,
      `<text x="${cx}" y="${cy + cropH * zoom + 32}">${metric}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * cellW + 20}" height="${rowsN * cellH + 50}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
