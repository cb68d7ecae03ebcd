// The replication card of a bucket's settings: its rules and, for the
// account root, the server's replication figures. Rules are set through
// the S3 API (PutBucketReplication); sites with `hoard admin site add`.
import { h, api } from './app.js';

export function replicationCard(bucket) {
  const body = h('div', {}, h('p', {}, 'Loading…'));
  const card = h('section', { class: 'card', 'aria-labelledby': 'set-repl-h' },
    h('h2', { id: 'set-repl-h' }, 'Replication'), body);
  load(bucket, body);
  return card;
}

async function load(bucket, body) {
  let data;
  try {
    data = await api('GET', 'replication?bucket=' + encodeURIComponent(bucket));
  } catch (e) {
    body.replaceChildren(h('p', { class: 'error' }, e.message));
    return;
  }
  const parts = [rulesTable(data.rules)];
  if (data.stats) parts.push(statsTable(data.stats));
  body.replaceChildren(...parts);
}

function rulesTable(rules) {
  if (!rules.length) {
    return h('p', { class: 'muted' }, 'No rules: this bucket does not replicate. Rules are set with PutBucketReplication.');
  }
  return h('table', { 'aria-label': 'Replication rules' },
    h('thead', {}, h('tr', {}, ...['Id', 'Status', 'Priority', 'Prefix', 'Destination', 'Delete markers'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rules.map((r) => h('tr', {},
      h('td', {}, r.id), h('td', {}, r.enabled ? 'Enabled' : 'Disabled'), h('td', {}, String(r.priority)),
      h('td', {}, r.prefix || ''), h('td', {}, r.destination), h('td', {}, r.deleteMarkers ? 'yes' : 'no')))));
}

function ms(s) { return (s * 1000).toFixed(0) + ' ms'; }

function statsTable(s) {
  return h('table', { 'aria-label': 'Replication on this server' },
    h('thead', {}, h('tr', {}, ...['Waiting', 'Replicated', 'Failed attempts', 'Lag p50', 'Lag p99'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, h('tr', {},
      h('td', {}, String(s.backlog)), h('td', {}, String(s.completed)),
      h('td', { class: s.failures ? 'error' : '' }, String(s.failures)), h('td', {}, ms(s.lagP50Seconds)), h('td', {}, ms(s.lagP99Seconds)))));
}
