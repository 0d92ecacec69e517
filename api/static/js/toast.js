// Short messages after an action ("Accepted ... Press u to undo."), read out by screen readers.

import { h } from './dom.js';

/** Shows a message for a few seconds. kind: 'info' | 'ok' | 'error' (errors stay longer). */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null }, message);
  box.append(el);
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(() => el.remove(), kind === 'error' ? 12_000 : 5_000);
}
