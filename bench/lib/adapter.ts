// One name for an adapter in bench records and file names: vendor, architecture and
// description as the implementation reports them (no DOM or Node imports).

export function adapterName(device: GPUDevice): string {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return (info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : '') || 'unknown adapter';
}

/** A file-name slug of an adapter name: lower case, words joined by '-'. */
export function adapterSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'adapter';
}
