// The lifecycle card of the bucket settings: each rule as a form, the
// PutBucketLifecycleConfiguration XML the rules become shown beside them
// (updated as you type), and Save. The S3 endpoint judges the rules; its
// message is what the page shows when it refuses them.

import { h, confirmButton } from './app.js';

const classes = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name, v) => '<' + name + '>' + esc(v) + '</' + name + '>';

// filterXML mirrors the console server: one condition in the Filter, more
// than one inside And.
function filterXML(r) {
  const conds = [];
  if (r.prefix) conds.push(el('Prefix', r.prefix));
  for (const t of r.tags || []) conds.push('<Tag>' + el('Key', t.key) + el('Value', t.value) + '</Tag>');
  if (r.sizeGreaterThan) conds.push(el('ObjectSizeGreaterThan', r.sizeGreaterThan));
  if (r.sizeLessThan) conds.push(el('ObjectSizeLessThan', r.sizeLessThan));
  if (conds.length > 1) return '    <Filter>\n      <And>' + conds.join('') + '</And>\n    </Filter>\n';
  return '    <Filter>' + (conds[0] || el('Prefix', '')) + '</Filter>\n';
}

export function lifecycleXML(rules) {
  let x = '<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n';
  for (const r of rules) {
    x += '  <Rule>\n';
    if (r.id) x += '    ' + el('ID', r.id) + '\n';
    x += filterXML(r) + '    ' + el('Status', r.enabled ? 'Enabled' : 'Disabled') + '\n';
    for (const t of r.transitions || []) x += '    <Transition>' + el('Days', t.days) + el('StorageClass', t.storageClass) + '</Transition>\n';
    for (const t of r.noncurrentTransitions || []) x += '    <NoncurrentVersionTransition>' + el('NoncurrentDays', t.days) + el('StorageClass', t.storageClass) + '</NoncurrentVersionTransition>\n';
    if (r.expireDays || r.expireDate || r.expiredObjectDeleteMarker) {
      x += '    <Expiration>' + (r.expireDays ? el('Days', r.expireDays) : '') + (r.expireDate ? el('Date', r.expireDate + 'T00:00:00Z') : '') +
        (r.expiredObjectDeleteMarker ? el('ExpiredObjectDeleteMarker', 'true') : '') + '</Expiration>\n';
    }
    if (r.noncurrentDays) {
      x += '    <NoncurrentVersionExpiration>' + el('NoncurrentDays', r.noncurrentDays) +
        (r.newerNoncurrent ? el('NewerNoncurrentVersions', r.newerNoncurrent) : '') + '</NoncurrentVersionExpiration>\n';
    }
    if (r.abortDays) x += '    <AbortIncompleteMultipartUpload>' + el('DaysAfterInitiation', r.abortDays) + '</AbortIncompleteMultipartUpload>\n';
    x += '  </Rule>\n';
  }
  return x + '</LifecycleConfiguration>\n';
}

const num = (input) => parseInt(input.value, 10) || 0;

// ruleForm renders one rule; read() gives its current value.
function ruleForm(r, n, onChange, onRemove) {
  const id = 'lc-' + n + '-';
  const field = (name, label, attrs) => {
    const input = h('input', { id: id + name, ...attrs, oninput: onChange, onchange: onChange });
    return [input, h('label', { for: id + name }, label)];
  };
  const [ruleID, ruleIDL] = field('id', 'Rule ID', { value: r.id || '', size: 20 });
  const [enabled, enabledL] = field('enabled', 'Enabled', { type: 'checkbox', checked: r.enabled !== false });
  const [prefix, prefixL] = field('prefix', 'Prefix', { value: r.prefix || '', size: 20 });
  const [tags, tagsL] = field('tags', 'Tags (k=v, comma separated)', { value: (r.tags || []).map((t) => t.key + '=' + t.value).join(','), size: 24 });
  const [gt, gtL] = field('gt', 'Size > (bytes)', { type: 'number', min: 0, value: r.sizeGreaterThan || '' });
  const [lt, ltL] = field('lt', 'Size < (bytes)', { type: 'number', min: 0, value: r.sizeLessThan || '' });
  const [days, daysL] = field('days', 'Expire current after days', { type: 'number', min: 0, value: r.expireDays || '' });
  const [date, dateL] = field('date', 'or on date', { type: 'date', value: r.expireDate || '' });
  const [marker, markerL] = field('marker', 'Remove lone delete markers', { type: 'checkbox', checked: !!r.expiredObjectDeleteMarker });
  const [nc, ncL] = field('nc', 'Remove noncurrent after days', { type: 'number', min: 0, value: r.noncurrentDays || '' });
  const [newer, newerL] = field('newer', 'keeping the newest', { type: 'number', min: 0, value: r.newerNoncurrent || '' });
  const [abort, abortL] = field('abort', 'Abort uploads after days', { type: 'number', min: 0, value: r.abortDays || '' });
  const move = (r.transitions || [])[0] || {};
  const [moveDays, moveDaysL] = field('move-days', 'Move current after days', { type: 'number', min: 0, value: move.days ?? '' });
  const moveClass = h('select', { id: id + 'move-class', 'aria-label': 'Storage class', onchange: onChange },
    h('option', { value: '' }, 'no transition'), ...classes.map((c) => h('option', { value: c, selected: move.storageClass === c }, c)));
  const read = () => {
    const out = { id: ruleID.value.trim(), enabled: enabled.checked, prefix: prefix.value };
    const t = tags.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => { const i = s.indexOf('='); return i < 0 ? { key: s, value: '' } : { key: s.slice(0, i), value: s.slice(i + 1) }; });
    if (t.length) out.tags = t;
    if (num(gt)) out.sizeGreaterThan = num(gt);
    if (num(lt)) out.sizeLessThan = num(lt);
    if (num(days)) out.expireDays = num(days);
    if (date.value) out.expireDate = date.value;
    if (marker.checked) out.expiredObjectDeleteMarker = true;
    if (num(nc)) out.noncurrentDays = num(nc);
    if (num(newer)) out.newerNoncurrent = num(newer);
    if (num(abort)) out.abortDays = num(abort);
    if (moveClass.value) out.transitions = [{ days: num(moveDays), storageClass: moveClass.value }];
    if (r.noncurrentTransitions) out.noncurrentTransitions = r.noncurrentTransitions;
    return out;
  };
  const row = (...kids) => h('div', { class: 'row' }, ...kids);
  const box = h('fieldset', { class: 'lc-rule', 'data-rule': n }, h('legend', {}, 'Rule ' + (n + 1)),
    row(ruleIDL, ruleID, enabled, enabledL),
    row(prefixL, prefix, tagsL, tags), row(gtL, gt, ltL, lt),
    row(daysL, days, dateL, date, marker, markerL),
    row(ncL, nc, newerL, newer), row(moveDaysL, moveDays, moveClass), row(abortL, abort),
    row(h('button', { type: 'button', class: 'lc-remove', onclick: onRemove }, 'Remove rule')));
  return { box, read };
}

// lifecycleCard is the card body: the rules' forms, the XML beside them,
// and the buttons. save(rules) stores them; save(null, true) removes all.
export function lifecycleCard(bucket, st, save) {
  let rules = Array.isArray(st.value) ? st.value : [];
  const list = h('div', { class: 'lc-rules' });
  const xml = h('pre', { id: 'lc-xml', class: 'lc-xml', 'aria-label': 'The XML these rules become' });
  let forms = [];
  const refresh = () => { xml.textContent = lifecycleXML(forms.map((f) => f.read())); };
  const render = () => {
    forms = rules.map((r, i) => ruleForm(r, i, refresh, () => { rules = forms.map((f) => f.read()).filter((_, j) => j !== i); render(); }));
    list.replaceChildren(...forms.map((f) => f.box));
    if (!forms.length) list.append(h('p', { class: 'muted' }, 'No rules: objects stay until deleted.'));
    refresh();
  };
  render();
  const add = h('button', { type: 'button', id: 'lc-add', onclick: () => { rules = forms.map((f) => f.read()).concat([{ enabled: true }]); render(); } }, 'Add rule');
  const saveBtn = h('button', { type: 'button', id: 'lc-save', onclick: () => save(forms.map((f) => f.read())) }, 'Save rules');
  const removeAll = confirmButton('Remove all rules', () => save(null, true), { id: 'lc-remove-all' });
  return [h('div', { class: 'lc-grid' }, list, xml), h('div', { class: 'row' }, add, saveBtn, removeAll),
    h('p', { class: 'muted' }, 'Rules run in the background, about every quarter of a lifecycle day. Days count from when a version was written (or, for noncurrent versions, replaced).')];
}
