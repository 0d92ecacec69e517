// The case list (only the cases assigned to this reviewer; all cases for supervisors) and
// the form that creates a new case.

import { get, post } from './api.js';
import { h, mount, when, plural } from './dom.js';

export function screeningText(sc) {
  if (!sc) return 'Not screened yet';
  const parts = [sc.in_scope ? 'In scope' : 'Out of scope'];
  if (sc.priority) parts.push(`priority ${sc.priority}`);
  if (sc.rape_alleged) parts.push('rape alleged');
  if (sc.suspects !== undefined) parts.push(plural(sc.suspects, 'suspect'));
  if (sc.victims !== undefined) parts.push(plural(sc.victims, 'victim'));
  return parts.join(', ');
}

/** Renders the case list into root. */
export async function renderCases(root, { user, navigate }) {
  const name = h('input', { type: 'text', id: 'new-case-name', name: 'name', required: true, maxlength: '200',
    placeholder: 'e.g. Operation reference or referral number' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const create = h('button', { type: 'submit', class: 'primary', id: 'create-case' }, 'Create case');
  const form = h('form', { class: 'new-case', 'aria-labelledby': 'new-case-title', novalidate: true },
    h('h2', { id: 'new-case-title' }, 'New case'),
    h('label', { for: 'new-case-name' }, 'Case name'),
    h('div', { class: 'inline' }, name, create), msg,
    h('p', { class: 'muted' }, 'You will be assigned to the case you create, and can then upload its files.'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    if (!name.value.trim()) { msg.textContent = 'Give the case a name.'; msg.hidden = false; name.focus(); return; }
    create.disabled = true;
    try {
      const r = await post('/api/cases', { name: name.value.trim() });
      navigate(`#/cases/${encodeURIComponent(r.data.id)}/documents`);
    } catch (e) {
      msg.textContent = `The case was not created: ${e.message}`;
      msg.hidden = false;
    } finally {
      create.disabled = false;
    }
  });
  // The table is not a live region (a screen reader would read all of it on every change):
  // one polite status line says what changed instead.
  const listBox = h('div', { id: 'case-list' }, h('p', { class: 'muted' }, 'Loading cases…'));
  const status = h('p', { class: 'muted', id: 'case-list-status', role: 'status' });
  mount(root, h('div', { class: 'page cases-page' },
    h('h1', {}, user && user.role === 'reviewer' ? 'Your cases' : 'All cases'),
    status, listBox, form));
  let cases;
  try {
    const r = await get('/api/cases');
    cases = Array.isArray(r.data) ? r.data : (r.data && r.data.items) || [];
  } catch (e) {
    mount(listBox, h('p', { class: 'error', role: 'alert' }, `The cases could not be loaded: ${e.message}`));
    return;
  }
  status.textContent = cases.length ? `${plural(cases.length, 'case')} listed.` : '';
  if (!cases.length) {
    mount(listBox, h('p', {}, user && user.role === 'reviewer'
      ? 'No cases are assigned to you yet. Create one below, or ask a supervisor to assign you to a case.'
      : 'There are no cases yet. Create one below.'));
    return;
  }
  mount(listBox, h('div', { class: 'table-wrap' }, h('table', { class: 'cases' },
    h('caption', { class: 'visually-hidden' }, 'Cases'),
    h('thead', {}, h('tr', {},
      ['Case', 'Documents', 'Open suggestions', 'Screening', 'Created', 'Assigned to'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, cases.map((c) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/cases/${encodeURIComponent(c.id)}`, class: 'case-link' }, c.name || c.id)),
      h('td', {}, String(c.documents ?? '–')),
      h('td', {}, c.suggestions !== undefined ? `${c.open_suggestions ?? '–'} of ${c.suggestions}` : '–'),
      h('td', {}, screeningText(c.screening)),
      h('td', {}, `${when(c.created_at)}${c.created_by ? ` by ${c.created_by}` : ''}`),
      h('td', {}, (c.assignees || []).join(', '))))))));
}
