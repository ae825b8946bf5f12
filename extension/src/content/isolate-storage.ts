// The library keeps a little state in localStorage (the conv kernels chosen per adapter, the
// adaptive setting per size) and models in the Cache API. In a content script both would be the
// *page's* storage, which the page's scripts can read and change. So in this isolated world
// `localStorage` is an in-memory store mirrored to chrome.storage.local, and `caches` is absent
// (the models come from the extension's own package: nothing to cache). The properties are
// defined on the isolated world's global object only; the page's `window` is untouched.

import { STORAGE_KEYS } from '../shared/settings.js';

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'clear' | 'key' | 'length'>;

class ExtensionStorage implements StorageLike {
  constructor(private readonly data: Record<string, string>) {}

  get length(): number {
    return Object.keys(this.data).length;
  }

  key(index: number): string | null {
    return Object.keys(this.data)[index] ?? null;
  }

  getItem(key: string): string | null {
    return Object.hasOwn(this.data, key) ? this.data[key]! : null;
  }

  setItem(key: string, value: string): void {
    this.data[key] = String(value);
    this.save();
  }

  removeItem(key: string): void {
    delete this.data[key];
    this.save();
  }

  clear(): void {
    for (const k of Object.keys(this.data)) delete this.data[k];
    this.save();
  }

  private save(): void {
    void chrome.storage.local.set({ [STORAGE_KEYS.libraryState]: { ...this.data } });
  }
}

export async function isolateStorage(): Promise<void> {
  const got = await chrome.storage.local.get(STORAGE_KEYS.libraryState);
  const data = { ...((got[STORAGE_KEYS.libraryState] as Record<string, string> | undefined) ?? {}) };
  Object.defineProperty(globalThis, 'localStorage', { value: new ExtensionStorage(data), configurable: true });
  Object.defineProperty(globalThis, 'caches', { value: undefined, configurable: true });
}
