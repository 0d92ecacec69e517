// Small DOM helpers. Text from the server is only ever set with textContent (never innerHTML),
// so nothing in a case file can run as script in the reviewer's browser.

/** Creates an element: h('button', {class: 'x', onclick: fn}, 'Label', child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'value') el.value = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

export const TYPE_LABELS = {
  unfollowed_inquiry: 'Unfollowed line of inquiry',
  victim_blaming_language: 'Victim-blaming language',
  missing_interview: 'Missing interview or account',
};

export const KIND_LABELS = {
  cctv: 'CCTV',
  phone_digital: 'Phones and digital',
  social_media: 'Social media',
  forensic_medical: 'Forensic or medical',
  witness: 'Witness',
  suspect: 'Suspect',
  location_search: 'Scene or premises search',
  vehicle_anpr: 'Vehicle or ANPR',
  third_party_records: 'Third-party records',
  financial: 'Financial',
  other_victims: 'Other victims',
  other: 'Other',
};

export const ROLE_LABELS = { victim: 'Victim', suspect: 'Suspect', witness: 'Witness' };

export const STATUS_LABELS = { open: 'Open', accepted: 'Accepted', rejected: 'Rejected' };

const dateFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

/** A server timestamp (ISO 8601, UTC) in the reviewer's local time, British style. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d);
}

export function percent(x) {
  const n = Number(x);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : '–';
}

/** Plural helper: plural(3, 'file') -> '3 files'. */
export function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/** True when a key press is aimed at something the reviewer is typing in. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'file', 'color'].includes(type);
  }
  return false;
}

/** Offers a Blob as a download with a file name. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
