// Draws the model output into a WebGPU canvas at the on-screen size: the canvas backing store
// follows its CSS size x devicePixelRatio, and the picture fills the video's content rectangle
// (object-fit contain/cover/fill), the rest stays transparent.

import { composeShader } from '../../shaders/compose.js';

export interface ContentRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a srcW x srcH picture lands in a boxW x boxH box under CSS object-fit. */
export function contentRect(fit: string, boxW: number, boxH: number, srcW: number, srcH: number): ContentRect {
  if (fit === 'fill' || srcW <= 0 || srcH <= 0) return { x: 0, y: 0, w: boxW, h: boxH };
  const sx = boxW / srcW;
  const sy = boxH / srcH;
  let s = fit === 'cover' ? Math.max(sx, sy) : Math.min(sx, sy);
  if (fit === 'none') s = 1;
  if (fit === 'scale-down') s = Math.min(1, Math.min(sx, sy));
  const w = srcW * s;
  const h = srcH * s;
  return { x: (boxW - w) / 2, y: (boxH - h) / 2, w, h };
}

export class Presenter {
  readonly canvas: HTMLCanvasElement;
  private readonly device: GPUDevice;
  private readonly context: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly uniform: GPUBuffer;
  private pipeline?: GPURenderPipeline;
  private bindGroup?: GPUBindGroup;
  private frame?: GPUTexture;
  private rect: ContentRect = { x: 0, y: 0, w: 0, h: 0 };
  /** Part of the frame to draw, as fractions of its size (a loupe draws a small part). */
  private region: ContentRect = { x: 0, y: 0, w: 1, h: 1 };

  constructor(device: GPUDevice, canvas: HTMLCanvasElement) {
    this.device = device;
    this.canvas = canvas;
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('the canvas has no WebGPU context');
    this.context = ctx;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    this.context.configure({ device, format: this.format, alphaMode: 'premultiplied' });
    this.uniform = device.createBuffer({ label: 'present params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** GPU memory this presenter created (the canvas's own textures belong to the browser). */
  get bytes(): number {
    return this.uniform.size;
  }

  async init(): Promise<void> {
    const module = this.device.createShaderModule({ label: 'present', code: composeShader('present') });
    this.pipeline = await this.device.createRenderPipelineAsync({
      label: 'present',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format: this.format }] },
      primitive: { topology: 'triangle-list' },
    });
  }

  /** The texture to draw; the bind group is made when it changes (a new input size), not per frame. */
  get source(): GPUTexture | undefined {
    return this.frame;
  }

  setSource(texture: GPUTexture): void {
    if (texture === this.frame || !this.pipeline) return;
    this.frame = texture;
    this.bindGroup = this.device.createBindGroup({
      label: 'present',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniform } },
        { binding: 1, resource: texture.createView() },
      ],
    });
    this.writeParams();
  }

  /**
   * Matches the backing store to the canvas's CSS box x devicePixelRatio and places the picture
   * (aspect srcW:srcH) by object-fit. Call on resize, fullscreen or DPR changes, not per frame.
   */
  layout(fit: string, srcW: number, srcH: number): void {
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const r = contentRect(fit, w, h, srcW, srcH);
    // Integer device pixels: the viewport must lie inside the canvas.
    const x = Math.max(0, Math.floor(r.x));
    const y = Math.max(0, Math.floor(r.y));
    this.rect = { x, y, w: Math.max(1, Math.min(w - x, Math.round(r.w))), h: Math.max(1, Math.min(h - y, Math.round(r.h))) };
    this.writeParams();
  }

  /** Draws only this part of the frame (fractions of its width and height). */
  setRegion(r: ContentRect): void {
    this.region = { ...r };
    this.writeParams();
  }

  /** The canvas's size in device pixels and the picture's rectangle in it. */
  get placement(): { width: number; height: number; rect: ContentRect } {
    return { width: this.canvas.width, height: this.canvas.height, rect: this.rect };
  }

  encode(encoder: GPUCommandEncoder, timestampWrites?: GPURenderPassTimestampWrites): void {
    if (!this.pipeline || !this.bindGroup) return;
    const pass = encoder.beginRenderPass({
      label: 'present',
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', clearValue: [0, 0, 0, 0], storeOp: 'store' }],
      timestampWrites,
    });
    pass.setViewport(this.rect.x, this.rect.y, this.rect.w, this.rect.h, 0, 1);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.draw(3);
    pass.end();
  }

  destroy(): void {
    this.uniform.destroy();
    this.context.unconfigure();
  }

  private writeParams(): void {
    const fw = this.frame?.width ?? 1;
    const fh = this.frame?.height ?? 1;
    const g = this.region;
    this.device.queue.writeBuffer(this.uniform, 0, new Float32Array([
      this.rect.x, this.rect.y, this.rect.w, this.rect.h, g.x * fw, g.y * fh, g.w * fw, g.h * fh,
    ]));
  }
}
