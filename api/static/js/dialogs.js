// Modal dialogs (native <dialog>: focus is trapped and Escape closes them) for the decisions
// that need words from the reviewer: reject, edit, and adding their own finding.

import { h, TYPE_LABELS, KIND_LABELS, ROLE_LABELS } from './dom.js';
import { shortcutsEnabled, setShortcutsEnabled } from './prefs.js';
import { cpLength } from './text.js';

function openDialog(id, title, body, { submitLabel, onSubmit, describe }) {
  const old = document.getElementById(id);
  if (old) old.remove();
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const cancel = h('button', { type: 'button', onclick: () => dlg.close('cancel') }, 'Cancel');
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: `${id}-title` }, title),
    describe ? h('p', { class: 'muted' }, describe) : null,
    body, error,
    h('div', { class: 'dialog-actions' }, submit, cancel));
  const dlg = h('dialog', { id, class: 'modal', 'aria-labelledby': `${id}-title` }, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const problem = await onSubmit(form);
      if (problem) { error.textContent = problem; error.hidden = false; return; }
      dlg.close('done');
    } catch (e) {
      error.textContent = e.message || String(e);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  // Enter submits from any field but the note (Ctrl+Enter submits from there too).
  form.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.isComposing) return;
    const inNote = ev.target instanceof HTMLTextAreaElement;
    const onButton = ev.target instanceof HTMLButtonElement;
    if ((inNote && (ev.ctrlKey || ev.metaKey)) || (!inNote && !onButton)) {
      ev.preventDefault();
      form.requestSubmit(submit);
    }
  });
  dlg.addEventListener('close', () => setTimeout(() => dlg.remove(), 0));
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

/**
 * Asks why a suggestion is rejected. reasons: strings or {code, label}. Number keys pick a
 * reason while the focus is not in the note. onReject({reason, note}) returns an error or null.
 */
export function rejectDialog(suggestion, reasons, onReject) {
  const norm = reasons.map((r) => (typeof r === 'string' ? { code: r, label: r } : { code: r.code ?? r.id ?? r.label, label: r.label ?? r.text ?? r.code }));
  const radios = norm.map((r, i) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'reason', value: r.code, required: true }),
    h('kbd', {}, String(i + 1)), ' ', r.label));
  const note = h('textarea', { name: 'note', id: 'reject-note', rows: '3', maxlength: '2000' });
  const body = h('div', {},
    h('fieldset', { class: 'reasons' }, h('legend', {}, 'Reason (press its number)'), radios),
    h('label', { for: 'reject-note' }, 'Note (optional; required for "other"). Ctrl+Enter rejects.'), note);
  const dlg = openDialog('reject-dialog', 'Reject this suggestion', body, {
    submitLabel: 'Reject',
    describe: suggestion.title,
    onSubmit: async (form) => {
      const picked = form.querySelector('input[name="reason"]:checked');
      if (!picked) return 'Choose a reason for rejecting it.';
      const noteText = note.value.trim();
      if (/^other$/i.test(picked.value) && !noteText) return 'Say why in the note when the reason is "other".';
      return onReject({ reason: picked.value, note: noteText || undefined });
    },
  });
  dlg.addEventListener('keydown', (ev) => {
    if (ev.target === note || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const n = Number(ev.key);
    if (Number.isInteger(n) && n >= 1 && n <= radios.length) {
      const input = radios[n - 1].querySelector('input');
      input.checked = true;
      input.focus();
      ev.preventDefault();
    }
  });
  const first = radios[0] && radios[0].querySelector('input');
  if (first) first.focus();
  return dlg;
}

/** Edits a suggestion's title and rationale. onSave({title, rationale}) returns an error or null. */
export function editDialog(suggestion, onSave) {
  const title = h('input', { type: 'text', id: 'edit-title', name: 'title', value: suggestion.title || '', required: true, maxlength: '300' });
  const rationale = h('textarea', { id: 'edit-rationale', name: 'rationale', rows: '6', maxlength: '5000' });
  rationale.value = suggestion.rationale || '';
  const body = h('div', {},
    h('label', { for: 'edit-title' }, 'Title'), title,
    h('label', { for: 'edit-rationale' }, 'Rationale'), rationale);
  const dlg = openDialog('edit-dialog', 'Edit this suggestion', body, {
    submitLabel: 'Save changes',
    onSubmit: async () => {
      if (!title.value.trim()) return 'The title cannot be empty.';
      return onSave({ title: title.value.trim(), rationale: rationale.value.trim() });
    },
  });
  title.focus();
  title.select();
  return dlg;
}

/** The reviewer's own finding, citing the text they selected. onAdd(body) returns an error or null. */
export function addFindingDialog(citation, onAdd) {
  const typeSel = h('select', { id: 'add-type', name: 'type', required: true },
    Object.entries(TYPE_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const kindSel = h('select', { id: 'add-kind', name: 'kind' },
    Object.entries(KIND_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const subject = h('input', { type: 'text', id: 'add-subject', name: 'subject', maxlength: '200' });
  const roleSel = h('select', { id: 'add-role', name: 'role' },
    Object.entries(ROLE_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const title = h('input', { type: 'text', id: 'add-title', name: 'title', required: true, maxlength: '300' });
  const rationale = h('textarea', { id: 'add-rationale', name: 'rationale', rows: '4', maxlength: '5000' });
  const kindRow = h('div', { class: 'row' }, h('label', { for: 'add-kind' }, 'Kind of inquiry'), kindSel);
  const personRow = h('div', { class: 'row' },
    h('label', { for: 'add-subject' }, 'Person (as named in the file)'), subject,
    h('label', { for: 'add-role' }, 'Their role'), roleSel);
  const sync = () => {
    kindRow.hidden = typeSel.value !== 'unfollowed_inquiry';
    personRow.hidden = typeSel.value !== 'missing_interview';
  };
  typeSel.addEventListener('change', sync);
  sync();
  const quote = citation.quote.length > 400 ? `${citation.quote.slice(0, 400)}…` : citation.quote;
  const body = h('div', {},
    h('p', { class: 'cited' }, h('strong', {}, `${citation.document || 'Document'}, page ${citation.page}: `),
      h('q', {}, quote)),
    h('label', { for: 'add-type' }, 'Type of finding'), typeSel, kindRow, personRow,
    h('label', { for: 'add-title' }, 'Title (one line)'), title,
    h('label', { for: 'add-rationale' }, 'Why this is a finding'), rationale);
  const dlg = openDialog('add-dialog', 'Add your own finding', body, {
    submitLabel: 'Add finding',
    onSubmit: async () => {
      if (!title.value.trim()) return 'Give the finding a title.';
      const type = typeSel.value;
      if (type === 'missing_interview' && !subject.value.trim()) return 'Name the person whose interview or account is missing.';
      const out = {
        type,
        title: title.value.trim(),
        rationale: rationale.value.trim(),
        citation: { document_id: citation.document_id, page: citation.page, start: citation.start, end: citation.end },
      };
      if (type === 'unfollowed_inquiry') out.kind = kindSel.value;
      if (type === 'missing_interview') { out.subject = subject.value.trim(); out.role = roleSel.value; }
      return onAdd(out);
    },
  });
  typeSel.focus();
  return dlg;
}

export const SHORTCUTS = [
  ['a', 'Accept the suggestion'],
  ['r', 'Reject it (choose a reason, add a note)'],
  ['e', 'Edit its title and rationale'],
  ['j or ↓', 'Next suggestion'],
  ['k or ↑', 'Previous suggestion'],
  ['o', 'Open the next citation'],
  ['u', 'Undo your last decision'],
  ['/', 'Search the case'],
  ['?', 'Show this help'],
  ['Esc', 'Close a dialog'],
];

/** A dialog with no form to submit (help, settings): one Close button, Escape closes it. */
function infoDialog(id, title, ...body) {
  const old = document.getElementById(id);
  if (old) old.remove();
  const dlg = h('dialog', { id, class: 'modal', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...body,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'primary', onclick: () => dlg.close() }, 'Close')));
  dlg.addEventListener('close', () => setTimeout(() => dlg.remove(), 0));
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

/** The keyboard help. */
export function helpDialog() {
  const rows = SHORTCUTS.map(([k, what]) => h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, k)), h('td', {}, what)));
  return infoDialog('help-dialog', 'Keyboard shortcuts',
    h('p', {}, shortcutsEnabled()
      ? 'The single keys below act while the focus is in the list of suggestions or on the selected suggestion, and you are not typing in a box. Every action also has a button. You can turn the keys off in Settings.'
      : 'Single-key shortcuts are off (turn them on in Settings). Every action has a button; the up and down arrows move through the list that has the focus.'),
    h('table', { class: 'shortcuts' }, h('caption', { class: 'visually-hidden' }, 'Keys and what they do'), h('tbody', {}, rows)),
    h('p', {}, 'To add your own finding with the mouse, select words in the page text and press "Add finding from selected text". '
      + 'With the keyboard, press "Cite words…" above the page text, select the words with Shift and the arrow keys, then press "Cite these words".'));
}

/** The reviewer's settings (kept in this browser). */
export function settingsDialog() {
  const box = h('input', { type: 'checkbox', id: 'pref-shortcuts', checked: shortcutsEnabled(), 'aria-describedby': 'pref-shortcuts-help' });
  const saved = h('p', { class: 'muted', role: 'status', id: 'pref-saved' });
  box.addEventListener('change', () => {
    setShortcutsEnabled(box.checked);
    saved.textContent = box.checked ? 'Single-key shortcuts are on.' : 'Single-key shortcuts are off.';
  });
  return infoDialog('settings-dialog', 'Settings',
    h('div', { class: 'check' }, box, h('label', { for: 'pref-shortcuts' }, 'Single-key shortcuts (a accept, r reject, j next, …)')),
    h('p', { class: 'muted', id: 'pref-shortcuts-help' },
      'They act only while the focus is in the list of suggestions or on the selected suggestion. '
      + 'Turn them off if you use speech input or press keys by accident: every action also has a button. '
      + 'This choice is kept in this browser.'),
    saved);
}

/**
 * Lets a keyboard user choose the words to cite: the page text in a read-only box, where the
 * caret moves with the arrow keys and Shift+arrows select (no mouse needed). `display` is the
 * text shown (offence details replaced by a marker); toSource(offset, side) maps an offset in
 * it (code points) back to the page text. onChosen({start, end}) runs once the dialog is closed.
 */
export function chooseWordsDialog({ where, display, toSource, caret = 0 }, onChosen) {
  // Not the readonly attribute: Chromium then ignores the arrow keys, so no caret and no Shift
  // selection. Changes are refused instead (beforeinput), and put back should any slip through.
  const area = h('textarea', { id: 'cite-text', name: 'cite-text', rows: '12', spellcheck: 'false',
    'aria-readonly': 'true', 'aria-describedby': 'cite-help' });
  area.value = display;
  area.addEventListener('beforeinput', (ev) => ev.preventDefault());
  area.addEventListener('input', () => {
    const at = area.selectionStart;
    area.value = display;
    area.setSelectionRange(at, at);
  });
  let chosen = null;
  const body = h('div', {},
    h('p', { id: 'cite-help' }, 'Move with the arrow keys; hold Shift and press the arrow keys to select the words to cite '
      + '(Ctrl+Shift+arrows selects whole words). Offence details that are hidden on the page stay hidden here.'),
    h('label', { for: 'cite-text' }, `Text of ${where}`), area);
  const dlg = openDialog('cite-dialog', 'Choose the words to cite', body, {
    submitLabel: 'Cite these words',
    onSubmit: async () => {
      if (area.value !== display) area.value = display;
      const a = Math.min(area.selectionStart, area.selectionEnd);
      const b = Math.max(area.selectionStart, area.selectionEnd);
      let start = cpLength(display.slice(0, a));
      let end = cpLength(display.slice(0, b));
      const cps = Array.from(display);
      while (start < end && /\s/u.test(cps[start])) start++;
      while (end > start && /\s/u.test(cps[end - 1])) end--;
      if (end <= start) return 'Select some words first: hold Shift and press the arrow keys.';
      chosen = { start: toSource(start, 'start'), end: toSource(end, 'end') };
      return null;
    },
  });
  dlg.addEventListener('close', () => { if (dlg.returnValue === 'done' && chosen) onChosen(chosen); });
  area.focus();
  const at = Array.from(display).slice(0, caret).join('').length; // code points -> UTF-16 units
  area.setSelectionRange(at, at);
  return dlg;
}

/** True while any modal dialog is open (shortcuts then belong to the dialog). */
export function dialogOpen() { return !!document.querySelector('dialog[open]'); }
