// Herald's web inbox. Message data goes into the page only as text (textContent, attributes set
// one by one): never as markup. The message's own HTML is shown only in the sandboxed iframe.
'use strict';

const LIMIT = 500;
const state = { messages: [], selected: null, query: '', tab: 'html' };
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function addr(a) {
  if (!a || (!a.Name && !a.Address)) return '';
  return a.Name ? a.Name + ' <' + a.Address + '>' : a.Address;
}

function addrs(list) { return (list || []).map(addr).join(', '); }

function size(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' kB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

function when(iso) {
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

function badges(m) {
  const b = el('span', 'badges');
  b.appendChild(m.TLS ? el('span', 'badge tls', m.TLSProtocol || 'TLS') : el('span', 'badge plain', 'plaintext'));
  if (m.Username) b.appendChild(el('span', 'badge auth', 'AUTH ' + m.Username));
  const att = typeof m.Attachments === 'number' ? m.Attachments : (m.Attachments || []).length;
  if (att > 0) b.appendChild(el('span', 'badge att', att + (att === 1 ? ' attachment' : ' attachments')));
  return b;
}

function row(m) {
  const li = el('li', 'msg');
  li.dataset.id = m.ID;
  li.appendChild(el('span', 'from', addr(m.From) || '(no sender)'));
  li.appendChild(el('span', 'time', when(m.Created)));
  li.appendChild(el('span', 'subject', m.Subject || '(no subject)'));
  li.appendChild(el('span', 'size', size(m.Size)));
  li.appendChild(el('span', 'to', 'To: ' + (addrs(m.To) || addrs(m.Bcc))));
  const snippet = el('span', 'snippet');
  snippet.appendChild(badges(m));
  snippet.appendChild(document.createTextNode(' ' + (m.Snippet || '')));
  li.appendChild(snippet);
  if (m.ID === state.selected) li.classList.add('selected');
  li.addEventListener('click', () => show(m.ID));
  return li;
}

function render() {
  const list = $('list');
  list.replaceChildren(...state.messages.map(row));
  $('empty').hidden = state.messages.length > 0;
  $('empty').textContent = state.query ? 'No message matches the search.' : 'No messages yet. Send one to the dev server\'s SMTP port.';
  $('count').textContent = state.total + (state.total === 1 ? ' message' : ' messages');
}

async function api(path, options) {
  const r = await fetch(path, options);
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r;
}

async function load() {
  const path = state.query
    ? '/api/v1/search?limit=' + LIMIT + '&query=' + encodeURIComponent(state.query)
    : '/api/v1/messages?limit=' + LIMIT;
  const data = await (await api(path)).json();
  state.messages = data.messages;
  state.total = data.total;
  render();
  if (state.selected && !state.messages.some((m) => m.ID === state.selected)) hide();
}

function hide() {
  state.selected = null;
  $('view').hidden = true;
  $('placeholder').hidden = false;
  $('html-frame').removeAttribute('src');
}

function frameSource() {
  return '/view/' + encodeURIComponent(state.selected) + '.html' + ($('remote-images').checked ? '?remote=1' : '');
}

async function show(id) {
  state.selected = id;
  document.querySelectorAll('.msg').forEach((li) => li.classList.toggle('selected', li.dataset.id === id));
  const base = '/api/v1/message/' + encodeURIComponent(id);
  const m = await (await api(base)).json();
  if (state.selected !== id) return;
  $('view').hidden = false;
  $('placeholder').hidden = true;
  $('v-subject').textContent = m.Subject || '(no subject)';
  $('v-from').textContent = addr(m.From);
  $('v-to').textContent = addrs(m.To);
  for (const [key, list] of [['cc', m.Cc], ['bcc', m.Bcc]]) {
    $('v-' + key).textContent = addrs(list);
    document.querySelectorAll('.' + key).forEach((e) => { e.hidden = !list || list.length === 0; });
  }
  $('v-date').textContent = new Date(m.Date).toLocaleString();
  $('v-badges').replaceChildren(badges(m));
  $('download-eml').href = base + '/raw?dl=1';
  $('tab-text').textContent = m.Text || '(no text part)';
  $('no-html').hidden = !!m.HTML;
  $('html-frame').hidden = !m.HTML;
  if (m.HTML) $('html-frame').src = frameSource();
  else $('html-frame').removeAttribute('src');
  const parts = (m.Attachments || []).concat(m.Inline || []);
  $('att-count').textContent = parts.length;
  $('attachments').replaceChildren(...parts.map((p) => {
    const li = el('li');
    li.appendChild(el('span', 'name', p.FileName || ('part ' + p.PartID)));
    li.appendChild(el('span', 'info', p.ContentType + ', ' + size(p.Size) + (p.ContentID ? ', inline' : '')));
    const a = el('a', 'button download', 'Download');
    a.href = base + '/part/' + encodeURIComponent(p.PartID);
    a.setAttribute('download', p.FileName || ('part-' + p.PartID));
    li.appendChild(a);
    return li;
  }));
  if (parts.length === 0) $('attachments').appendChild(el('li', 'empty', 'No attachments.'));
  const headers = await (await api(base + '/headers')).json();
  $('headers').tBodies[0].replaceChildren(...Object.entries(headers).flatMap(([name, values]) => values.map((v) => {
    const tr = el('tr');
    tr.appendChild(el('td', null, name));
    tr.appendChild(el('td', null, v));
    return tr;
  })));
  $('tab-raw').textContent = await (await api(base + '/raw')).text();
  tab(m.HTML ? state.tab : (state.tab === 'html' ? 'text' : state.tab));
}

function tab(name) {
  state.tab = name;
  document.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
  document.querySelectorAll('.tab').forEach((t) => { t.hidden = t.id !== 'tab-' + name; });
}

async function remove(ids) {
  await api('/api/v1/messages', {
    method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ids ? { IDs: ids } : {}),
  });
}

function confirmTwice(button, label, action) {
  button.addEventListener('click', async () => {
    if (!button.classList.contains('confirm')) {
      button.classList.add('confirm');
      button.textContent = 'Click again to confirm';
      setTimeout(() => { button.classList.remove('confirm'); button.textContent = label; }, 4000);
      return;
    }
    button.classList.remove('confirm');
    button.textContent = label;
    await action();
  });
}

function listen() {
  const events = new EventSource('/api/events');
  events.onopen = () => { $('live').textContent = 'live'; $('live').classList.add('on'); load(); };
  events.onerror = () => { $('live').textContent = 'offline'; $('live').classList.remove('on'); };
  events.addEventListener('new', (e) => {
    if (state.query) { load(); return; }
    const m = JSON.parse(e.data);
    if (state.messages.some((x) => x.ID === m.ID)) return;
    state.messages.unshift(m);
    if (state.messages.length > LIMIT) state.messages.pop();
    state.total += 1;
    render();
  });
  events.addEventListener('delete', (e) => {
    const gone = new Set(JSON.parse(e.data).IDs);
    const before = state.messages.length;
    state.messages = state.messages.filter((m) => !gone.has(m.ID));
    state.total -= before - state.messages.length;
    if (state.selected && gone.has(state.selected)) hide();
    render();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  let timer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.query = $('search').value.trim(); load(); }, 200);
  });
  document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => tab(b.dataset.tab)));
  $('remote-images').addEventListener('change', () => { if (state.selected) $('html-frame').src = frameSource(); });
  $('delete').addEventListener('click', () => { if (state.selected) remove([state.selected]); });
  confirmTwice($('delete-all'), 'Delete all', () => remove(null));
  tab('html');
  load();
  listen();
});
