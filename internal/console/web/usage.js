// Usage in the console: a bucket's largest prefixes by bytes and by
// monthly cost as bar charts, and their trend over the daily snapshots.
// The numbers are the server's exact counters, read through the admin API
// (the operator account's root only).

import { h, api, run, fmtBytes, setView } from './app.js';

const SVG = 'http://www.w3.org/2000/svg';
const TOP = 10;
const COLORS = ['#1f5fbf', '#c05621', '#2f855a', '#805ad5', '#b83280', '#2c7a7b', '#975a16', '#4a5568'];

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

const stored = (p) => p.bytes + p.noncurrentBytes + p.uploadBytes + p.restoredBytes;
const cost = (p) => p.cost.monthly;
// fmtCost shows two significant digits of small amounts, without exponents.
const fmtCost = (v) => '$' + (v >= 100 ? v.toFixed(0) : v >= 1 || v <= 0 ? v.toFixed(2) : v.toFixed(Math.min(12, 1 - Math.floor(Math.log10(v)))));
const levels = (p) => (p.match(/\//g) || []).length;
const usageHref = (b, p = '') => '#/usage/' + encodeURIComponent(b) + '/' + encodeURIComponent(p);

// barChart draws the largest items by value as horizontal bars; a bar
// links to its prefix when the server counts a level below it.
function barChart(id, title, items, value, fmt, bucket, depth) {
  const top = items.filter((p) => value(p) > 0).sort((a, b) => value(b) - value(a)).slice(0, TOP);
  if (!top.length) return h('div', { class: 'card', id }, h('h2', {}, title), h('p', { class: 'muted' }, 'Nothing stored under these prefixes.'));
  const max = Math.max(...top.map(value));
  const rowH = 26, labelW = 220, barW = 440, width = labelW + barW + 110;
  const height = top.length * rowH + 4;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'usage-chart' });
  top.forEach((p, i) => {
    const w = Math.max(2, Math.round((value(p) / max) * barW));
    const y = i * rowH + 2;
    const label = p.prefix.length > 30 ? '…' + p.prefix.slice(-29) : p.prefix;
    const g = s('g', { class: 'bar', 'data-prefix': p.prefix, 'data-value': String(value(p)) },
      s('title', {}, p.prefix + ': ' + fmt(value(p))),
      s('text', { x: labelW - 6, y: y + 17, 'text-anchor': 'end', class: 'bar-label' }, label),
      s('rect', { x: labelW, y, width: w, height: rowH - 6, rx: 3, fill: COLORS[0] }),
      s('text', { x: labelW + w + 6, y: y + 17, class: 'bar-value' }, fmt(value(p))));
    if (levels(p.prefix) < depth) {
      g.classList.add('link');
      g.addEventListener('click', () => { location.hash = usageHref(bucket, p.prefix); });
    }
    svg.append(g);
  });
  return h('div', { class: 'card', id }, h('h2', {}, title), svg);
}

// trendChart draws the stored bytes of the largest prefixes per day: the
// daily snapshots, then today's live counters.
function trendChart(history, report, depth) {
  const want = new Set(report.prefixes.slice().sort((a, b) => stored(b) - stored(a)).slice(0, 5).map((p) => p.prefix));
  const today = new Date().toISOString().slice(0, 10);
  const days = history.filter((d) => d.date !== today).concat([{ date: today, prefixes: report.prefixes }]);
  if (!want.size) return null;
  const series = [...want].map((prefix) => ({ prefix, points: days.map((d) => {
    const p = d.prefixes.find((x) => x.prefix === prefix);
    return p ? stored(p) : 0;
  }) }));
  const max = Math.max(1, ...series.flatMap((x) => x.points));
  const W = 760, H = 220, L = 80, B = 24, n = days.length;
  const x = (i) => L + (n === 1 ? (W - L) / 2 : (i * (W - L - 10)) / (n - 1));
  const y = (v) => H - B - (v / max) * (H - B - 10);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'Stored bytes of the largest prefixes by day', id: 'usage-trend-svg', class: 'usage-chart' },
    s('line', { x1: L, y1: H - B, x2: W, y2: H - B, stroke: '#9aa4b5' }),
    s('text', { x: L - 6, y: 16, 'text-anchor': 'end', class: 'axis' }, fmtBytes(max)),
    s('text', { x: L - 6, y: H - B, 'text-anchor': 'end', class: 'axis' }, '0'),
    days.map((d, i) => (i === 0 || i === n - 1 || n < 8) ? s('text', { x: x(i), y: H - 6, 'text-anchor': i === n - 1 && n > 1 ? 'end' : 'middle', class: 'axis' }, d.date.slice(5)) : null));
  series.forEach((ser, k) => {
    const pts = ser.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.append(s('g', { class: 'series', 'data-prefix': ser.prefix, 'data-points': ser.points.join(',') },
      s('title', {}, ser.prefix),
      s('polyline', { points: pts, fill: 'none', stroke: COLORS[k % COLORS.length], 'stroke-width': 2 }),
      ser.points.map((v, i) => s('circle', { cx: x(i), cy: y(v), r: 3, fill: COLORS[k % COLORS.length] }))));
  });
  const legend = h('div', { class: 'row legend' }, series.map((ser, k) =>
    h('span', {}, s('svg', { width: 10, height: 10, 'aria-hidden': 'true' }, s('rect', { width: 10, height: 10, rx: 2, fill: COLORS[k % COLORS.length] })), ' ', ser.prefix)));
  return h('div', { class: 'card', id: 'usage-trend' }, h('h2', {}, 'Trend of the largest prefixes (' + n + (n === 1 ? ' day)' : ' days)')), svg, legend,
    depth ? null : h('p', { class: 'muted' }, 'The server counts no prefixes (--usage-depth 0).'));
}

function summary(t) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('dl', { class: 'kv', id: 'usage-summary' },
    row('Objects', t.objects.toLocaleString()), row('Current bytes', fmtBytes(t.bytes)),
    row('Noncurrent versions', t.noncurrentObjects.toLocaleString() + ' · ' + fmtBytes(t.noncurrentBytes)),
    row('Delete markers', t.deleteMarkers.toLocaleString()),
    row('Uploads in progress', t.uploads + ' · ' + fmtBytes(t.uploadBytes)),
    t.restoredObjects ? row('Restored copies', t.restoredObjects + ' · ' + fmtBytes(t.restoredBytes)) : null,
    row('Monthly storage cost', h('span', { id: 'usage-cost' }, fmtCost(t.cost.monthly))));
}

export async function usageView(bucket, prefix) {
  const picker = h('select', { id: 'usage-bucket', 'aria-label': 'Bucket' }, h('option', { value: '' }, 'Choose a bucket…'));
  picker.addEventListener('change', () => { location.hash = usageHref(picker.value); });
  const body = h('div', {}, bucket ? 'Loading…' : '');
  setView('Usage and cost', h('div', { class: 'row' }, h('label', { for: 'usage-bucket' }, 'Bucket'), picker), body);
  const list = await run(() => api('GET', 'buckets'));
  for (const b of (list && list.buckets) || []) picker.append(h('option', { value: b.name, selected: b.name === bucket }, b.name));
  if (!bucket) return;
  const q = 'usage?bucket=' + encodeURIComponent(bucket) + (prefix ? '&prefix=' + encodeURIComponent(prefix) : '');
  const data = await run(() => api('GET', q));
  if (!data) { body.replaceChildren(h('p', { class: 'error' }, 'Only the operator account\'s root may see usage.')); return; }
  const rep = data.report;
  const crumbs = h('div', { class: 'crumbs' }, h('a', { href: usageHref(bucket) }, bucket));
  let acc = '';
  for (const part of prefix.split('/').filter(Boolean)) {
    acc += part + '/';
    crumbs.append(' / ', h('a', { href: usageHref(bucket, acc) }, part));
  }
  const rows = rep.prefixes.map((p) => h('tr', { 'data-prefix': p.prefix },
    h('td', {}, levels(p.prefix) < rep.depth ? h('a', { href: usageHref(bucket, p.prefix) }, p.prefix) : p.prefix),
    h('td', { class: 'num' }, p.objects.toLocaleString()), h('td', { class: 'num' }, fmtBytes(p.bytes)),
    h('td', { class: 'num' }, fmtBytes(p.noncurrentBytes)), h('td', { class: 'num' }, fmtBytes(p.uploadBytes)),
    h('td', { class: 'num' }, fmtCost(p.cost.monthly))));
  body.replaceChildren(crumbs,
    h('div', { class: 'card' }, summary(rep.total)),
    h('div', { class: 'usage-grid' },
      barChart('usage-bytes', 'Largest prefixes by bytes', rep.prefixes, stored, fmtBytes, bucket, rep.depth),
      barChart('usage-costs', 'Largest prefixes by monthly cost', rep.prefixes, cost, fmtCost, bucket, rep.depth)),
    trendChart(data.history, rep, rep.depth),
    rows.length ? h('table', { class: 'card', id: 'usage-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Prefix'), h('th', { class: 'num' }, 'Objects'), h('th', { class: 'num' }, 'Current'),
        h('th', { class: 'num' }, 'Noncurrent'), h('th', { class: 'num' }, 'Uploads'), h('th', { class: 'num' }, 'Cost/month'))),
      h('tbody', {}, rows)) : null);
}
