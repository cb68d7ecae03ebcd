// Accounts in the console: the operator's page. It lists the server's
// accounts and creates and deletes them through the console API, which
// signs for the admin API as the signed-in principal (the operator
// account's root only; others see the admin API's refusal).

import { h, api, run, confirmButton, fmtTime, setView } from './app.js';

export async function accountsView() {
  const name = h('input', { id: 'new-account', required: true, spellcheck: 'false' });
  const email = h('input', { id: 'new-account-email', type: 'email', spellcheck: 'false' });
  const form = h('form', { class: 'row', id: 'create-account' },
    h('label', { for: 'new-account' }, 'New account name'), name,
    h('label', { for: 'new-account-email' }, 'Email (optional)'), email,
    h('button', { type: 'submit', class: 'primary' }, 'Create account'));
  const secretBox = h('div', { id: 'new-account-secret', 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await run(() => api('POST', 'accounts', { action: 'create', name: name.value.trim(), email: email.value.trim() }), 'Created account ' + name.value.trim() + '.');
    if (!r) return;
    await accountsView();
    document.querySelector('#new-account-secret').replaceChildren(h('div', { class: 'card' }, h('h2', {}, 'Root credentials of ' + r.name),
      h('p', {}, 'The secret is shown only now; give it to the account\'s owner and keep no copy.'),
      h('dl', { class: 'kv secret' }, h('dt', {}, 'Account id'), h('dd', {}, r.id),
        h('dt', {}, 'Access key'), h('dd', {}, r.rootAccessKeyId), h('dt', {}, 'Secret key'), h('dd', {}, r.rootSecretAccessKey)),
      h('button', { type: 'button', onclick: () => document.querySelector('#new-account-secret').replaceChildren() }, 'I have copied it')));
  });
  const list = h('div', {}, 'Loading…');
  setView('Accounts', h('div', { class: 'card' }, form), secretBox, list);
  const data = await run(() => api('GET', 'accounts'));
  if (!data) { list.replaceChildren(h('p', { class: 'error' }, 'Only the operator account\'s root may administer accounts.')); return; }
  const rows = data.accounts.map((a) => h('tr', { 'data-account': a.id },
    h('td', {}, h('code', {}, a.id)), h('td', {}, a.name, a.operator ? [' ', h('span', { class: 'badge' }, 'operator')] : null),
    h('td', {}, h('code', { class: 'vid' }, a.canonicalId)), h('td', { class: 'when' }, fmtTime(a.created)),
    h('td', {}, a.operator ? '' : h('code', {}, a.rootAccessKeyId)),
    h('td', { class: 'acts' }, a.operator ? '' : confirmButton('Delete account', async () => {
      if (await run(() => api('POST', 'accounts', { action: 'delete', id: a.id }), 'Deleted account ' + a.name + '.')) accountsView();
    }, { 'aria-label': 'Delete account ' + a.name }))));
  list.replaceChildren(h('table', { class: 'card' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Id'), h('th', {}, 'Name'), h('th', {}, 'Canonical id'), h('th', {}, 'Created'), h('th', {}, 'Root key'), h('th', {}, 'Actions'))),
    h('tbody', {}, rows)));
}
