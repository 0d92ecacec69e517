// The log-in screen, with plain messages for a wrong password, too many tries (429, with the
// wait from Retry-After), a locked account and an expired session.

import { post, setToken, ApiError, retryAfterText } from './api.js';
import { h, mount } from './dom.js';

/** Renders the log-in form; onLoggedIn(user, expiresIdleMinutes) runs after success. */
export function renderLogin(root, { message = '', kind = 'info', onLoggedIn }) {
  const user = h('input', { type: 'text', id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p', { id: 'login-message', class: `login-msg ${kind}`, role: kind === 'error' ? 'alert' : 'status', hidden: !message }, message);
  const submit = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Log in');
  const form = h('form', { class: 'login card', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, 'Case file review'),
    h('p', { class: 'muted' }, 'Log in with the account your administrator gave you.'),
    msg,
    h('label', { for: 'login-username' }, 'User name'), user,
    h('label', { for: 'login-password' }, 'Password'), pass,
    submit);
  const show = (text, k) => {
    msg.textContent = text;
    msg.className = `login-msg ${k}`;
    msg.setAttribute('role', k === 'error' ? 'alert' : 'status');
    msg.hidden = !text;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value.trim() || !pass.value) { show('Enter your user name and password.', 'error'); return; }
    submit.disabled = true;
    show('Logging in…', 'info');
    try {
      const r = await post('/api/auth/login', { username: user.value.trim(), password: pass.value }, { auth401: true });
      setToken(r.data.token || null);
      pass.value = '';
      onLoggedIn(r.data.user, r.data.expires_idle_minutes, Boolean(r.data.password_change_required));
    } catch (e) {
      pass.value = '';
      if (e instanceof ApiError && e.status === 401) {
        show('Wrong user name or password.', 'error');
      } else if (e instanceof ApiError && e.status === 429) {
        // Too many failures for this name from here: the server slows further tries.
        show(`Too many failed log-ins. ${retryAfterText(e)} If you have forgotten the password, ask an administrator.`, 'error');
      } else if (e instanceof ApiError && e.status === 423) {
        show(e.body && e.body.detail ? e.body.detail
          : 'This account is locked after too many failed log-ins. Ask an administrator to unlock it.', 'error');
      } else {
        show(`Could not log in: ${e.message}`, 'error');
      }
      pass.focus();
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, h('div', { class: 'login-wrap' }, form));
  user.focus();
}
