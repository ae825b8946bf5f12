// SHA-256 of downloaded model bytes through WebCrypto (browsers in a secure context, Node 20+).
// Plain-http pages other than localhost have no crypto.subtle: then undefined is returned and
// only the size can be checked.

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
