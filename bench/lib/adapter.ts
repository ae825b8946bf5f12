// One name for an adapter in bench records and file names: vendor, architecture and
// description as the implementation reports them (no DOM or Node imports).

export function adapterName(device: GPUDevice): string {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return (info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : '') || 'unknown adapter';
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A file-name slug for an adapter: vendor-architecture, plus the description's first word when new (google-swiftshader, mesa-software-llvmpipe, nvidia-hopper). */
export function adapterSlug(device: GPUDevice): string {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const base = slug([info?.vendor, info?.architecture].filter(Boolean).join(' '));
  const first = slug(/^[^\s:(]*/.exec(info?.description ?? '')![0]);
  return [base, first && !base.includes(first) ? first : ''].filter(Boolean).join('-').slice(0, 48) || 'adapter';
}
