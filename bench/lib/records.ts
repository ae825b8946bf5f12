// What one benchmark run writes: bench/results/<adapter>-<date>.json.

import type { PeakResult } from './fma-peak.js';

export type Impl = 'ours' | 'ours-player' | 'onnxruntime-web' | 'anime4k-webgpu' | 'bilinear' | 'bicubic' | 'peak';

/** One model at one size by one implementation. */
export interface SpeedRecord {
  impl: Impl;
  /** Our model id, `webgpu`/`wasm` + the ONNX graph for onnxruntime-web, the anime4k model, or the filter. */
  model: string;
  /** For onnxruntime-web: the execution provider. */
  backend?: 'webgpu' | 'wasm';
  width: number;
  height: number;
  ms_median: number;
  ms_p90: number;
  fps: number;
  /** Multiply-adds of one frame (Real-CUGAN rows; 0 where not counted). */
  gmac: number;
  /** 2 * MACs / median time. */
  gflops: number;
  peak_gflops: number;
  /** gflops as a percentage of peak_gflops (WebGPU rows). */
  pct_peak: number;
  adapter: string;
  frames: number;
  warmup: number;
  /** GPU ms per stage from timestamp queries (ours). */
  stages?: Record<string, number>;
  /** Ours: GPU ms, multiply-adds and pass count per kind of pass, from one frame timed pass by pass. */
  kinds?: Record<string, { ms: number; macs: number; passes: number }>;
  /** Ours: the conv kernels' register block the autotune picked (compact, wide). */
  convBlock?: string;
  /** onnxruntime-web: its first output against ours on the same pixels. */
  check?: { max_abs_diff_255: number; uint8_off: number; uint8_total: number };
  /** onnxruntime-web wasm: threads used. */
  threads?: number;
  /** The player path (--video): frames dropped while measuring, seconds measured. */
  dropped?: number;
  seconds?: number;
  note?: string;
}

export interface QualityRecord {
  method: string;
  image: string;
  width: number;
  height: number;
  psnr: number;
  ssim: number;
}

export interface BenchRun {
  date: string;
  command: string;
  quick: boolean;
  adapter: { name: string; vendor: string; architecture: string; description: string; isFallback: boolean; swiftshader: boolean; timestamps: boolean; f16: boolean };
  browser: string;
  host: { cpus: number; cpu: string; loadavg: number[]; loadavg_end: number[]; memory_gb: number };
  /** The f32 FMA peak (best of several shapes, lib/fma-peak.ts): every pct_peak is of this. */
  peak: PeakResult;
  /** The f16 FMA peak, where the adapter has shader-f16. */
  peak_f16?: PeakResult;
  speed: SpeedRecord[];
  quality: QualityRecord[];
  /** --video: GPU work per shown frame on the demo clip with and without frame reuse. */
  reuse?: { reuse: boolean; frames: number; computed: number; gpuMsPerFrame: number; source: string }[];
  /** --video: region reuse (no-SE model) on a held frame with one moving patch. */
  regions?: RegionRecord[];
  seconds: number;
}

export interface RegionRecord {
  model: string;
  width: number;
  height: number;
  /** Region tiles the frame is split into. */
  tiles: number;
  frames: number;
  /** Mean wall ms per frame, every frame run whole (reuse off) and with reuse on. */
  msOff: number;
  msOn: number;
  /** With reuse on: frames run whole, frames run as changed tiles, and those tiles together. */
  computed: number;
  regionFrames: number;
  regionTiles: number;
  /** The last frame's output with reuse equals the whole run's, byte for byte. */
  same: boolean;
}
