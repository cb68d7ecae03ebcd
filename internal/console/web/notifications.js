// The event notifications card of a bucket's settings: its rules and,
// for the account root, each target's health. Rules are set through the
// S3 API (PutBucketNotificationConfiguration); targets by the operator.
import { h, api, fmtBytes, fmtTime } from './app.js';

export function notificationsCard(bucket) {
  const body = h('div', {}, h('p', {}, 'Loading…'));
  const card = h('section', { class: 'card', 'aria-labelledby': 'set-notify-h' },
    h('h2', { id: 'set-notify-h' }, 'Event notifications'), body);
  load(bucket, body);
  return card;
}

async function load(bucket, body) {
  let data;
  try {
    data = await api('GET', 'notifications?bucket=' + encodeURIComponent(bucket));
  } catch (e) {
    body.replaceChildren(h('p', { class: 'error' }, e.message));
    return;
  }
  const parts = [rulesTable(data.rules)];
  if (data.targets) parts.push(targetsTable(data.targets));
  body.replaceChildren(...parts);
}

function rulesTable(rules) {
  if (!rules.length) {
    return h('p', { class: 'muted' }, 'No rules: this bucket sends no events. Rules are set with PutBucketNotificationConfiguration.');
  }
  return h('table', { 'aria-label': 'Notification rules' },
    h('thead', {}, h('tr', {}, ...['Id', 'Destination', 'Events', 'Prefix', 'Suffix'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rules.map((r) => h('tr', {},
      h('td', {}, r.id), h('td', {}, r.type + ' ' + r.arn), h('td', {}, r.events.join(', ')),
      h('td', {}, r.prefix || ''), h('td', {}, r.suffix || '')))));
}

function targetsTable(targets) {
  if (!targets.length) return h('p', { class: 'muted' }, 'The server declares no targets (hoard server --notify-target NAME=URL).');
  return h('table', { 'aria-label': 'Notification targets' },
    h('thead', {}, h('tr', {}, ...['Target', 'Scheme', 'Health', 'Waiting', 'Oldest waiting', 'Delivered', 'Failed attempts'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...targets.map((t) => h('tr', {},
      h('td', {}, t.name), h('td', {}, t.scheme),
      h('td', { class: t.healthy ? '' : 'error' }, t.healthy ? 'ok' : 'failing' + (t.lastError ? ': ' + t.lastError : '')),
      h('td', {}, t.queued + ' (' + fmtBytes(t.queuedBytes) + ')'), h('td', {}, fmtTime(t.oldest)),
      h('td', {}, String(t.delivered)), h('td', {}, String(t.failed))))));
}
