// The reviewer's own preferences, kept in this browser (localStorage). Only choices about the
// screen live here: never a token, a case or anything read from a case file.

const SHORTCUTS_KEY = 'case-review.single-key-shortcuts';

function read(key) {
  try { return window.localStorage.getItem(key); } catch { return null; } // storage switched off
}

function write(key, value) {
  try { window.localStorage.setItem(key, value); } catch { /* kept for this page only */ }
}

let shortcutsMemo = null; // used when localStorage is unavailable

/**
 * Whether single-key shortcuts (a, r, j, ?, / ...) are on. On unless the reviewer turned them
 * off in Settings (WCAG 2.1.4: a speech-input user can say a word that types those letters).
 */
export function shortcutsEnabled() {
  const v = read(SHORTCUTS_KEY);
  if (v !== null) return v !== 'off';
  return shortcutsMemo !== null ? shortcutsMemo : true;
}

export function setShortcutsEnabled(on) {
  shortcutsMemo = !!on;
  write(SHORTCUTS_KEY, on ? 'on' : 'off');
  window.dispatchEvent(new CustomEvent('prefs-changed', { detail: { shortcuts: !!on } }));
}
