// The keyboard shortcut: a key pressed while focus is inside the player (the player element or
// any of its controls) runs an action, unless the key goes to a text field or comes with Ctrl,
// Alt or Meta (browser and system shortcuts stay untouched).

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if ((target as HTMLElement).isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'image', 'color', 'file'].includes(target.type);
  }
  return false;
}

/** Calls `action` on `key` (case-insensitive, e.g. 'u') pressed inside `el`; returns the remover. */
export function listenHotkey(el: HTMLElement, key: string, action: () => void): () => void {
  const want = key.toLowerCase();
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    if (e.key?.toLowerCase() !== want || isTyping(e.target)) return;
    e.preventDefault();
    action();
  };
  el.addEventListener('keydown', onKeyDown);
  return () => el.removeEventListener('keydown', onKeyDown);
}
