// The TDX server's web console: plain JavaScript, no build step. Every page is made from the
// server's own JSON (the same URLs clients use), with the DOM built element by element: no
// value from the server is ever parsed as HTML.
'use strict';

const STATES = ['OPEN', 'COMMITTING', 'COMMITTED', 'FAILED', 'ABORTED'];
const PAGE = 25;
let timer = null;

class Unauthenticated extends Error {}

/** An element with attributes (on* names are listeners) and children (strings become text). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/** The JSON of a request to the server; a problem document becomes an Error with its detail. */
async function api(path, init = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin', ...init,
    headers: { Accept: 'application/json', ...(init.headers || {}) }
  });
  if (response.status === 401) throw new Unauthenticated();
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    throw new Error(body && body.detail ? body.detail : response.status + ' ' + response.statusText);
  }
  return body;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function duration(from, to) {
  if (!from) return '';
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(1) + ' s';
  const m = Math.floor(s / 60);
  return m < 60 ? m + ' min ' + Math.round(s - 60 * m) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

function bytes(n) {
  if (!n) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let value = n;
  while (value >= 1000 && i < units.length - 1) { value /= 1000; i++; }
  return (i === 0 ? value : value.toFixed(1)) + ' ' + units[i];
}

function count(n) {
  return n === null || n === undefined ? '' : Number(n).toLocaleString();
}

function badge(state) {
  return el('span', { class: 'badge state-' + state, text: state });
}

function txnLink(id) {
  return el('a', { href: '/txn/' + encodeURIComponent(id), class: 'mono', text: id });
}

/** Rows a part moved: an import's rows read, an export's rows written. */
function partRows(part) {
  const r = part.result;
  if (!r) return 0;
  return r.read !== undefined ? r.read : (r.rows || 0);
}

function notice(message) {
  const box = document.getElementById('notice');
  box.textContent = message || '';
  box.hidden = !message;
}

function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.flat().filter(node => node !== null && node !== undefined));
}

// ------------------------------------------------------------------ pages

async function home() {
  const [services, recent] = await Promise.all([api('/tdx/services'), api('/txn?order=newest&limit=10')]);
  show(
    el('h1', { text: 'Services' }),
    el('div', { class: 'cards', id: 'services' }, services.services.map(serviceCard)),
    el('h2', { text: 'Recent transactions' }),
    transactionsTable(recent.transactions),
    el('p', {}, el('a', { href: '/txn', text: 'All transactions' })));
}

function serviceCard(service) {
  const dialect = ['delimiter ' + JSON.stringify(service.delimiter || ','), 'quote ' + JSON.stringify(service.quote || '"')];
  if (service.escape) dialect.push('escape ' + JSON.stringify(service.escape));
  return el('section', { class: 'card', 'data-service': service.prefix },
    el('h3', {}, el('code', { text: service.prefix }), ' ', el('span', { class: 'muted', text: 'table ' + service.table })),
    el('p', { class: 'muted', text: dialect.join(', ') + (service.exportOnly ? ', export only' : '') }),
    el('table', {},
      el('tr', {}, ['Column', 'Type', 'Key', 'Optional', 'Reference', 'Checks'].map(h => el('th', { text: h }))),
      (service.columns || []).map(column => el('tr', {},
        el('td', {}, el('code', { text: column.name })),
        el('td', { text: column.type + (column.precision ? '(' + column.precision + (column.scale !== undefined ? ',' + column.scale : '') + ')' : '') }),
        el('td', { text: column.key ? 'key' : '' }),
        el('td', { text: column.optional ? 'optional' : '' }),
        el('td', { text: column.reference ? column.reference.service + (column.reference.onMissing ? ' (' + column.reference.onMissing + ')' : '') : '' }),
        el('td', { text: (column.checks || []).join(', ') })))));
}

function transactionsTable(transactions) {
  return el('table', { id: 'transactions' },
    el('tr', {}, ['Transaction', 'State', 'Protocol', 'Created', 'Finished', 'Duration', 'Parts', 'Rows', 'Bytes']
      .map(h => el('th', { class: ['Parts', 'Rows', 'Bytes', 'Duration'].includes(h) ? 'num' : null, text: h }))),
    transactions.length === 0 ? el('tr', {}, el('td', { colspan: 9, class: 'muted', text: 'No transactions.' })) : null,
    transactions.map(t => {
      const parts = t.parts || [];
      return el('tr', { 'data-txn': t.id },
        el('td', {}, txnLink(t.id)),
        el('td', {}, badge(t.state)),
        el('td', { text: t.async ? 'asynchronous' : 'synchronous' }),
        el('td', { text: time(t.created) }),
        el('td', { text: time(t.finished) }),
        el('td', { class: 'num', text: duration(t.created, t.finished) }),
        el('td', { class: 'num', text: parts.length }),
        el('td', { class: 'num', text: count(parts.reduce((sum, p) => sum + partRows(p), 0)) }),
        el('td', { class: 'num', text: bytes(parts.reduce((sum, p) => sum + (p.bytes || 0), 0)) }));
    }));
}

async function transactions() {
  const query = new URLSearchParams(location.search);
  const state = query.get('state') || '';
  const after = query.get('after');
  const api_query = new URLSearchParams({ order: 'newest', limit: String(PAGE) });
  if (state) api_query.set('state', state);
  if (after) api_query.set('after', after);
  const page = await api('/txn?' + api_query);
  const refresh = el('input', { type: 'checkbox', id: 'refresh', checked: sessionStorage.getItem('tdx.refresh') !== 'off' });
  refresh.addEventListener('change', () => {
    sessionStorage.setItem('tdx.refresh', refresh.checked ? 'on' : 'off');
    schedule(transactions, 2000);
  });
  const filter = el('select', { id: 'state-filter' },
    el('option', { value: '', text: 'All states' }),
    STATES.map(s => el('option', { value: s, selected: s === state, text: s })));
  filter.addEventListener('change', () => {
    location.search = filter.value ? '?state=' + filter.value : '';
  });
  const pager = el('div', { class: 'pager' });
  if (after) pager.append(el('a', { href: '/txn' + (state ? '?state=' + state : ''), id: 'newest', text: '← Newest' }));
  if (page.next) {
    const next = new URLSearchParams(page.next.split('?')[1]);
    const link = new URLSearchParams();
    if (state) link.set('state', state);
    link.set('after', next.get('after'));
    pager.append(el('a', { href: '/txn?' + link, id: 'older', text: 'Older →' }));
  }
  show(
    el('h1', { text: 'Transactions' }),
    el('div', { class: 'toolbar' },
      el('label', {}, 'State ', filter),
      el('label', {}, refresh, ' Refresh every 2 s'),
      el('span', { class: 'muted', text: 'Newest first, ' + PAGE + ' a page; times in your local time.' })),
    transactionsTable(page.transactions),
    pager);
  if (refresh.checked && !after) schedule(transactions, 2000);
}

async function transaction(id, focus) {
  const txn = await api('/txn/' + encodeURIComponent(id));
  const running = !txn.finished && txn.state !== 'ABORTED';
  const facts = el('dl', { class: 'facts' },
    el('dt', { text: 'State' }), el('dd', { id: 'txn-state' }, badge(txn.state)),
    el('dt', { text: 'Protocol' }), el('dd', { text: txn.async ? 'asynchronous' : 'synchronous' }),
    txn.principal ? [el('dt', { text: 'Started by' }), el('dd', { text: txn.principal })] : null,
    el('dt', { text: 'Created' }), el('dd', { id: 'txn-created', text: time(txn.created) }),
    txn.committed ? [el('dt', { text: 'Committed' }), el('dd', { text: time(txn.committed) })] : null,
    txn.finished ? [el('dt', { text: 'Finished' }), el('dd', { id: 'txn-finished', text: time(txn.finished) })] : null,
    el('dt', { text: 'Duration' }), el('dd', { text: duration(txn.created, txn.finished) + (running ? ' so far' : '') }),
    txn.progress ? [el('dt', { text: 'Commit' }), el('dd', { id: 'txn-progress', text: progressText(txn.progress) })] : null,
    txn.cause ? [el('dt', { text: 'Cause' }), el('dd', { id: 'txn-cause', class: txn.state === 'COMMITTED' ? '' : 'error', text: txn.cause })] : null);
  const actions = el('div', { class: 'toolbar' });
  if (txn.state === 'OPEN') {
    actions.append(el('button', {
      id: 'abort', class: 'danger', text: 'Abort transaction',
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api('/txn/' + encodeURIComponent(id) + '/abort', { method: 'POST' });
        } catch (e) {
          notice('Could not abort: ' + e.message);
        }
        route();
      }
    }));
  }
  show(
    el('h1', {}, 'Transaction ', el('span', { class: 'mono', text: txn.id })),
    facts, actions,
    el('h2', { text: 'Parts' }),
    partsTable(txn, focus),
    (txn.parts || []).filter(p => p.result && p.result.errors && p.result.errors.length).map(p => rejectedRows(txn, p)));
  if (running) schedule(() => transaction(id, focus), 1000);
}

function progressText(progress) {
  let text = progress.phase + (progress.part ? ' ' + progress.part : '');
  for (const [part, counts] of Object.entries(progress.parts || {})) {
    text += '; ' + part + ' ' + count(counts.staged || 0) + ' rows staged'
      + (counts.merged !== undefined ? ', ' + count(counts.merged) + ' merged' : '');
  }
  return text;
}

function partsTable(txn, focus) {
  return el('table', { id: 'parts' },
    el('tr', {}, ['Part', 'Request', 'State', 'Progress', 'Rows', 'Files', 'Error'].map(h => el('th', { text: h }))),
    (txn.parts || []).length === 0 ? el('tr', {}, el('td', { colspan: 7, class: 'muted', text: 'No parts.' })) : null,
    (txn.parts || []).map(part => el('tr', { 'data-part': part.id, class: part.id === focus ? 'focus' : null },
      el('td', { class: 'mono', text: part.id }),
      el('td', {}, el('code', { text: part.method + ' ' + part.service }), part.uri ? el('div', { class: 'muted mono', text: part.uri }) : null),
      el('td', {}, badge(part.state)),
      el('td', {}, partProgress(txn, part)),
      el('td', { class: 'rows', text: rowsText(part) }),
      el('td', {}, partFiles(txn, part)),
      el('td', { class: 'error', text: part.error || '' }))));
}

/** A bar for a part: indeterminate while its body comes or its commit runs, full once done. */
function partProgress(txn, part) {
  const counts = txn.progress && txn.progress.parts ? txn.progress.parts[part.id] : null;
  if (part.state === 'RECEIVING' || part.state === 'DOWNLOADING') {
    return el('span', { class: 'bar' }, el('progress', {}), bytes(part.bytes) + ' received');
  }
  if (txn.state === 'COMMITTING') {
    const text = counts ? count(counts.staged || 0) + ' staged' + (counts.merged !== undefined ? ', ' + count(counts.merged) + ' merged' : '') : 'waiting';
    return el('span', { class: 'bar' }, counts && counts.merged !== undefined ? el('progress', { value: 1, max: 1 }) : el('progress', {}), text);
  }
  if (part.state === 'DONE') return el('span', { class: 'bar' }, el('progress', { value: 1, max: 1 }), 'done');
  if (part.state === 'READY') return el('span', { class: 'bar' }, el('progress', { value: 1, max: 1 }), part.bytes ? bytes(part.bytes) + ' received' : 'ready');
  return '';
}

function rowsText(part) {
  const r = part.result;
  if (!r) return '';
  if (r.read === undefined) return count(r.rows) + ' rows exported';
  return count(r.read) + ' read, ' + count(r.inserted) + ' inserted, ' + count(r.updated) + ' updated, '
    + count(r.deleted) + ' deleted, ' + count(r.rejected) + ' rejected';
}

function csvLink(txn, part, label) {
  return el('a', { href: '/txn/' + encodeURIComponent(txn.id) + '/' + encodeURIComponent(part.id) + '?format=csv',
    class: 'download', download: '', text: label });
}

function partFiles(txn, part) {
  if (!part.result) return '';
  if (part.method === 'GET') return part.uri ? el('span', { class: 'muted', text: 'sent to its URI' }) : csvLink(txn, part, 'CSV');
  return csvLink(txn, part, part.result.rejected ? 'error file' : 'error file (header only)');
}

function rejectedRows(txn, part) {
  const errors = part.result.errors;
  const columns = Object.keys(errors[0].row || {});
  return el('section', { class: 'rejected', 'data-part': part.id },
    el('h2', {}, 'Rejected rows of ' + part.id + ' (' + part.method + ' ' + part.service + ')'),
    el('p', { class: 'muted' }, 'The first ' + errors.length + ' of ' + count(part.result.rejected) + '. ',
      csvLink(txn, part, 'Download the whole error file')),
    el('table', {},
      el('tr', {}, ['Line', 'CAUSE_CODE', 'Cause', ...columns].map(h => el('th', { text: h }))),
      errors.map(error => el('tr', {},
        el('td', { class: 'num', text: error.line }),
        el('td', {}, el('code', { text: error.causeCode })),
        el('td', { text: error.cause }),
        columns.map(c => el('td', { class: 'mono', text: error.row[c] === undefined ? '' : error.row[c] }))))));
}

// ------------------------------------------------------------------ session and routing

function schedule(page, millis) {
  clearTimeout(timer);
  timer = setTimeout(() => run(page), millis);
}

async function run(page) {
  try {
    await page();
    notice('');
  } catch (e) {
    if (e instanceof Unauthenticated) {
      login();
    } else {
      notice(e.message);
    }
  }
}

function login() {
  clearTimeout(timer);
  show(document.getElementById('login').content.cloneNode(true));
  document.getElementById('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = document.getElementById('login-error');
    try {
      await api('/tdx/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: document.getElementById('token').value })
      });
      location.reload();
    } catch (e) {
      error.textContent = e instanceof Unauthenticated ? 'That token is not accepted.' : e.message;
      error.hidden = false;
    }
  });
}

async function who() {
  try {
    const me = await api('/tdx/whoami');
    const box = document.getElementById('who');
    if (me.authentication) {
      box.replaceChildren(el('span', { id: 'principal', text: me.principal + (me.admin ? ' (admin)' : '') }),
        el('button', {
          id: 'logout', text: 'Sign out',
          onclick: async () => { await fetch('/tdx/logout', { method: 'POST', credentials: 'same-origin' }); location.reload(); }
        }));
    }
  } catch (e) {
    // signed out: the page asks for a token
  }
}

function route() {
  const path = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active',
    a.dataset.nav === (path[0] === 'txn' ? 'txn' : 'home')));
  if (path.length === 0) return run(home);
  if (path[0] === 'txn' && path.length === 1) return run(transactions);
  if (path[0] === 'txn') return run(() => transaction(path[1], path[2]));
  show(el('p', { text: 'Nothing here.' }));
}

who();
route();
