// Changing one's own password: from the "Password" button on every screen, and before anything
// else when the account must change the password it was given (the first admin's, set by the
// installation). Plain messages for a wrong current password, a password the rules refuse, and
// too many tries (429 with Retry-After).

import { post, ApiError, retryAfterText } from './api.js';
import { h, mount } from './dom.js';

const RULES = 'At least 10 characters; not a common or leaked password, a repeated or sequential '
  + 'pattern, or your user name. A phrase of several words is easy to remember.';

/**
 * Renders the form into root. forced: the account may do nothing else until it is changed
 * (no Cancel). onDone() runs after success; onCancel() when the reviewer goes back.
 */
export function renderPasswordChange(root, { forced = false, username = '', onDone, onCancel }) {
  const field = (id, label, autocomplete, extra = {}) => {
    const input = h('input', { type: 'password', id, name: id, autocomplete, required: true, ...extra });
    return [h('label', { for: id }, label), input];
  };
  const [curLabel, current] = field('pw-current', 'Current password', 'current-password');
  const [newLabel, fresh] = field('pw-new', 'New password', 'new-password',
    { minlength: '10', maxlength: '1024', 'aria-describedby': 'pw-rules' });
  const [againLabel, again] = field('pw-again', 'New password again', 'new-password', { maxlength: '1024' });
  const msg = h('p', { id: 'pw-message', class: 'login-msg info', role: 'status', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'pw-submit' }, 'Change password');
  const cancel = forced ? null
    : h('button', { type: 'button', id: 'pw-cancel', onclick: () => onCancel && onCancel() }, 'Cancel');
  const intro = forced
    ? `The password of ${username || 'this account'} was set by the installation. Choose your own before you carry on.`
    : 'Your other sessions are logged out when the password changes; this one stays logged in.';
  const form = h('form', { class: 'login card', id: 'password-form', 'aria-labelledby': 'pw-title', novalidate: true },
    h('h1', { id: 'pw-title', tabindex: '-1' }, forced ? 'Choose a new password' : 'Change your password'),
    h('p', { class: 'muted' }, intro),
    msg,
    curLabel, current,
    newLabel, fresh,
    h('p', { id: 'pw-rules', class: 'muted small' }, RULES),
    againLabel, again,
    submit, cancel);
  const show = (text, kind) => {
    msg.textContent = text;
    msg.className = `login-msg ${kind}`;
    msg.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    msg.hidden = !text;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current.value || !fresh.value) { show('Enter your current password and a new one.', 'error'); (current.value ? fresh : current).focus(); return; }
    if (fresh.value.length < 10) { show('The new password must be at least 10 characters long.', 'error'); fresh.focus(); return; }
    if (fresh.value !== again.value) { show('The two new passwords are not the same.', 'error'); again.focus(); return; }
    submit.disabled = true;
    show('Changing the password…', 'info');
    try {
      await post('/api/auth/password', { current_password: current.value, new_password: fresh.value });
      current.value = ''; fresh.value = ''; again.value = '';
      show('Your password was changed.', 'info');
      if (onDone) onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        show('The current password is not right.', 'error');
        current.value = '';
        current.focus();
      } else if (e instanceof ApiError && e.status === 429) {
        show(`Too many tries. ${retryAfterText(e)}`, 'error');
      } else if (e instanceof ApiError && e.status === 422) {
        show(e.message, 'error');
        fresh.focus();
      } else {
        show(`The password was not changed: ${e.message}`, 'error');
      }
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, h('div', { class: 'login-wrap' }, form));
  current.focus();
  return form;
}
