// Clipline operator console: live NG / UNSURE feed, UNSURE review queue, one-click labels.
// Plain DOM, no framework; every text from the server goes in through textContent.
'use strict';

const MAX_FEED_CARDS = 60;   // the feed keeps at most this many cards in the DOM
const MAX_QUEUE_CARDS = 40;  // and the review queue this many
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  cards: new Map(),      // frameId -> latest card JSON from the server
  feed: [],              // frameIds in the feed, newest first
  queue: [],             // frameIds of UNSURE cards not yet labelled, oldest first
  selected: 0,           // index in queue
  cameras: new Set(),
  cameraFilter: '',
  token: sessionStorage.getItem('clipline-token') || '',
  workerLabels: null,
  pendingLabels: [],     // labels written, waiting for the worker counter to move
  clickIds: new Map(),   // frameId/kind -> labelId: every click of one button is one label
  drawing: false,        // an operator is drawing a box: new cards wait, so nothing moves
  pointerInFeed: false,  // the pointer is over the feed: new cards wait, so no button moves
  held: [],              // new feed cards that arrived while drawing or pointing, oldest first
  arrivals: 0,           // live card events received
  arrivedAt: new Map(),  // frameId -> arrivals count when its first live event came
};

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
};

function labelId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toast(text, error) {
  const t = $('toast');
  t.textContent = text;
  t.className = error ? 'toast error' : 'toast';
}

// ---- heatmap and regions ----

function colour(v) {
  // A short blue -> yellow -> red ramp for v in [0, 1].
  const r = Math.min(255, Math.round(510 * v));
  const g = Math.round(255 * (v < 0.5 ? v * 2 : 2 - v * 2));
  const b = Math.round(255 * Math.max(0, 1 - v * 3));
  return [r, g, b];
}

function drawHeatmap(canvas, map) {
  canvas.width = map.cols;
  canvas.height = map.rows;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(map.cols, map.rows);
  const raw = atob(map.values);
  for (let i = 0; i < map.rows * map.cols; i++) {
    const v = raw.charCodeAt(i) / 255;
    const [r, g, b] = colour(v);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = v < 0.15 ? 0 : Math.round(200 * v);
  }
  ctx.putImageData(img, 0, 0);
}

function drawRegions(svg, card, width, height) {
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  let layer = svg.querySelector('.region-layer');
  if (layer) layer.remove();
  layer = document.createElementNS(SVG, 'g');
  layer.setAttribute('class', 'region-layer');
  for (const r of card.regions) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'region');
    rect.setAttribute('x', r.x);
    rect.setAttribute('y', r.y);
    rect.setAttribute('width', r.width);
    rect.setAttribute('height', r.height);
    const text = document.createElementNS(SVG, 'text');
    text.setAttribute('x', r.x);
    text.setAttribute('y', Math.max(10, r.y - 2));
    text.textContent = (r.defectType || 'region') +
      (r.defectConfidence != null ? ' ' + Math.round(100 * r.defectConfidence) + '%' : '');
    layer.append(rect, text);
  }
  svg.prepend(layer);
}

// ---- cards ----

function fmt(x) { return x == null || !Number.isFinite(Number(x)) ? '–' : Number(x).toFixed(2); }

function renderCard(card) {
  const root = el('div', 'card');
  root.dataset.frameId = card.frameId;
  root.dataset.verdict = card.verdict;
  if (card.labels.length) root.classList.add('labelled');
  const top = el('div', 'top');
  top.append(el('span', 'badge ' + card.verdict, card.verdict),
    el('span', 'camera', card.cameraId),
    el('span', 'time', new Date(card.captureTime).toLocaleTimeString()));
  root.append(top);

  const view = el('div', 'view');
  const canvas = el('canvas', 'heatmap');
  const svg = document.createElementNS(SVG, 'svg');
  if (card.image) {
    const img = el('img');
    img.alt = 'frame ' + card.frameId;
    img.addEventListener('load', () => {
      drawRegions(svg, card, img.naturalWidth, img.naturalHeight);
      root.dataset.imageLoaded = 'true';
    });
    img.addEventListener('error', () => { root.dataset.imageLoaded = 'error'; });
    img.src = card.image;
    view.append(img);
  } else {
    view.append(el('p', 'empty', 'no frame position in this verdict'));
  }
  if (card.map) {
    drawHeatmap(canvas, card.map);
    view.append(canvas);
  }
  view.append(svg);
  root.append(view);

  const facts = el('dl', 'facts');
  const fact = (k, v) => facts.append(el('dt', null, k), el('dd', null, v));
  fact('score', `${fmt(card.imageScore)} (OK < ${fmt(card.thresholdOk)}, NG ≥ ${fmt(card.thresholdNg)})` +
    (card.warmup ? ' warm-up' : ''));
  fact('defect', card.topDefectType
    ? `${card.topDefectType} ${Math.round(100 * (card.topDefectConfidence || 0))}%`
    : (card.regionCount ? `${card.regionCount} region(s), untyped` : 'no region'));
  fact('item', card.itemId || '–');
  fact('reject', card.rejectGate ? 'ordered at ' + card.rejectGate : 'none seen');
  root.append(facts);

  const actions = el('div', 'actions');
  const ng = el('button', 'ng', 'Confirm NG');
  ng.dataset.action = 'confirm_ng';
  ng.addEventListener('click', () => sendLabel(card.frameId, 'CONFIRM_NG', {}, ng, clickId(card.frameId, 'CONFIRM_NG')));
  const ok = el('button', 'ok', 'Override to OK');
  ok.dataset.action = 'override_ok';
  ok.addEventListener('click', () => sendLabel(card.frameId, 'OVERRIDE_OK', {}, ok, clickId(card.frameId, 'OVERRIDE_OK')));
  const draw = el('button', null, 'Draw box');
  draw.dataset.action = 'draw_box';
  actions.append(ng, ok, draw);
  root.append(actions);

  const form = el('div', 'box-form');
  const type = el('input');
  type.setAttribute('list', 'defect-types');
  type.placeholder = 'defect type';
  type.name = 'defect-type';
  const save = el('button', null, 'Save box');
  save.dataset.action = 'save_box';
  save.disabled = true;
  form.append(type, save);
  root.append(form);
  root.append(el('div', 'labels', card.labels.length ? 'labelled: ' + card.labels.join(', ') : ''));

  let box = null;
  let boxId = null;  // one labelId per drawn box, so saving it twice is one label
  draw.addEventListener('click', () => startDrawing(root, svg, (b) => {
    box = b;
    boxId = labelId();
    save.disabled = false;
    form.classList.add('open');
    type.focus();
  }));
  save.addEventListener('click', () => {
    if (!box || !type.value.trim()) { toast('draw a box and name the defect type', true); return; }
    sendLabel(card.frameId, 'REGION', { defectType: type.value.trim(), region: box }, save, boxId);
  });
  return root;
}

function startDrawing(root, svg, done) {
  const img = root.querySelector('img');
  if (!img || !img.naturalWidth) { toast('the frame image is not loaded yet', true); return; }
  svg.classList.add('drawing');
  root.dataset.busy = 'true';  // updates of this frame wait until the box is saved
  state.drawing = true;        // and new cards wait, so the frame does not move under the mouse
  let start = null;
  let rect = null;
  const toFrame = (ev) => {
    const r = svg.getBoundingClientRect();
    return {
      x: Math.max(0, Math.min(img.naturalWidth, (ev.clientX - r.left) * img.naturalWidth / r.width)),
      y: Math.max(0, Math.min(img.naturalHeight, (ev.clientY - r.top) * img.naturalHeight / r.height)),
    };
  };
  const down = (ev) => {
    ev.preventDefault();
    start = toFrame(ev);
    if (rect) rect.remove();
    rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'drawn');
    svg.append(rect);
  };
  const move = (ev) => {
    if (!start) return;
    const p = toFrame(ev);
    rect.setAttribute('x', Math.min(start.x, p.x));
    rect.setAttribute('y', Math.min(start.y, p.y));
    rect.setAttribute('width', Math.abs(p.x - start.x));
    rect.setAttribute('height', Math.abs(p.y - start.y));
  };
  const up = (ev) => {
    if (!start) return;
    const p = toFrame(ev);
    const b = {
      x: Math.floor(Math.min(start.x, p.x)), y: Math.floor(Math.min(start.y, p.y)),
      width: Math.max(1, Math.round(Math.abs(p.x - start.x))),
      height: Math.max(1, Math.round(Math.abs(p.y - start.y))),
    };
    start = null;
    svg.classList.remove('drawing');
    svg.removeEventListener('mousedown', down);
    svg.removeEventListener('mousemove', move);
    svg.removeEventListener('mouseup', up);
    state.drawing = false;
    releaseHeldCards();
    done(b);
  };
  svg.addEventListener('mousedown', down);
  svg.addEventListener('mousemove', move);
  svg.addEventListener('mouseup', up);
  toast('drag a box over the defect');
}

// ---- feed and queue ----

function visible(card) {
  return !state.cameraFilter || card.cameraId === state.cameraFilter;
}

function upsert(card) {
  const known = state.cards.has(card.frameId);
  state.cards.set(card.frameId, card);
  if (!state.cameras.has(card.cameraId)) {
    state.cameras.add(card.cameraId);
    const o = el('option', null, card.cameraId);
    o.value = card.cameraId;
    $('camera-filter').append(o);
  }
  if (!known) {
    state.feed.unshift(card.frameId);
    if (card.verdict === 'UNSURE' && !card.labels.length) {
      state.queue.push(card.frameId);
    }
  } else if (card.labels.length) {
    dropFromQueue(card.frameId);
  }
  // Bounded memory and DOM: forget what dropped out of both lists.
  while (state.feed.length > MAX_FEED_CARDS) {
    const old = state.feed.pop();
    if (!state.queue.includes(old)) { state.cards.delete(old); state.arrivedAt.delete(old); }
    const node = $('feed').querySelector(`[data-frame-id="${CSS.escape(old)}"]`);
    if (node) node.remove();
  }
  while (state.queue.length > MAX_QUEUE_CARDS) {
    const old = state.queue.shift();
    if (!state.feed.includes(old)) { state.cards.delete(old); state.arrivedAt.delete(old); }
    state.selected = Math.max(0, state.selected - 1);
  }
  placeInFeed(card, known);
  renderQueue();
}

function placeInFeed(card, known) {
  const feed = $('feed');
  const old = feed.querySelector(`[data-frame-id="${CSS.escape(card.frameId)}"]`);
  if (!visible(card)) { if (old) old.remove(); return; }
  if (old && old.dataset.busy) return;  // an operator is drawing on it: keep it as it is
  const node = renderCard(card);
  if (old) old.replaceWith(node);
  else if (!known && (state.drawing || state.pointerInFeed)) { state.held.push(node); showHeld(); }
  else if (!known) feed.prepend(node);
  const empty = feed.querySelector('.empty');
  if (empty) empty.remove();
  $('feed-count').textContent = state.feed.length;
}

/**
 * Puts the cards that arrived while a box was drawn or the pointer was over the feed at the top
 * of the feed, newest first, once neither holds any more: a card must not move between an
 * operator aiming at its button and clicking it, or the label goes to another frame.
 */
function releaseHeldCards() {
  if (state.drawing || state.pointerInFeed) return;
  const feed = $('feed');
  for (const node of state.held) {
    if (state.feed.includes(node.dataset.frameId)) feed.prepend(node);
  }
  state.held = [];
  showHeld();
}

/** How many new cards wait for the pointer to leave the feed. */
function showHeld() {
  const held = $('feed-held');
  held.hidden = !state.held.length;
  held.textContent = `${state.held.length} new, shown when the pointer leaves the feed`;
}

function rerenderFeed() {
  const feed = $('feed');
  feed.replaceChildren();
  state.held = [];  // the feed is drawn from state.feed, held cards included
  showHeld();
  for (const id of state.feed) {
    const card = state.cards.get(id);
    if (card && visible(card)) feed.append(renderCard(card));
  }
  renderQueue();
}

function dropFromQueue(frameId) {
  const i = state.queue.indexOf(frameId);
  if (i >= 0) {
    state.queue.splice(i, 1);
    if (state.selected > i) state.selected--;
  }
}

function renderQueue() {
  const queue = $('queue');
  const ids = state.queue.filter((id) => state.cards.has(id) && visible(state.cards.get(id)));
  state.selected = Math.min(state.selected, Math.max(0, ids.length - 1));
  const existing = new Map([...queue.querySelectorAll('.card')].map((n) => [n.dataset.frameId, n]));
  queue.replaceChildren();
  if (!ids.length) queue.append(el('p', 'empty', 'nothing to review'));
  ids.forEach((id, i) => {
    const card = state.cards.get(id);
    let node = existing.get(id);
    if (!node || (!node.dataset.busy &&
        node.dataset.rendered !== JSON.stringify(card.labels) + card.regions.length)) {
      node = renderCard(card);
      node.dataset.rendered = JSON.stringify(card.labels) + card.regions.length;
    }
    node.classList.toggle('selected', i === state.selected);
    queue.append(node);
  });
  $('queue-count').textContent = ids.length;
}

function selectedQueueCard() {
  const ids = state.queue.filter((id) => state.cards.has(id) && visible(state.cards.get(id)));
  return ids[state.selected];
}

// ---- labels ----

/** The labelId of a verdict button of one frame: the same for every click of it. */
function clickId(frameId, kind) {
  const key = frameId + '/' + kind;
  if (!state.clickIds.has(key)) {
    state.clickIds.set(key, labelId());
    // Bounded: ids of frames long gone from the page are forgotten, oldest first.
    while (state.clickIds.size > 4 * (MAX_FEED_CARDS + MAX_QUEUE_CARDS)) {
      state.clickIds.delete(state.clickIds.keys().next().value);
    }
  }
  return state.clickIds.get(key);
}

async function sendLabel(frameId, kind, extra, button, id) {
  const operator = $('operator').value.trim() || null;
  const body = Object.assign({ labelId: id || labelId(), frameId, kind, operator }, extra);
  if (button) button.disabled = true;  // one click, one label: the button stays off
  const headers = { 'Content-Type': 'application/json' };
  if (state.token) headers['X-Clipline-Token'] = state.token;
  try {
    const res = await fetch('api/labels', { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status === 401) {
      const t = prompt('This console needs its label token:');
      if (t) {
        state.token = t;
        sessionStorage.setItem('clipline-token', t);
        return sendLabel(frameId, kind, extra, button, body.labelId);  // same labelId: still one label
      }
      throw new Error('no token given');
    }
    if (!res.ok) throw new Error(await res.text());
    const written = await res.json();
    toast(`label ${written.summary} written (partition ${written.partition}, offset ${written.offset})` +
      (written.duplicate ? ', already written before' : '') +
      (state.workerLabels ? '; waiting for the worker' : ''));
    if (!written.duplicate) state.pendingLabels.push(written);
    for (const node of document.querySelectorAll(`[data-frame-id="${CSS.escape(frameId)}"]`)) {
      if (node.contains(button)) delete node.dataset.busy;
    }
    if (state.cards.has(frameId)) placeInFeed(state.cards.get(frameId), true);  // what waited
    if (document.activeElement && document.activeElement.tagName === 'INPUT') document.activeElement.blur();
    dropFromQueue(frameId);
    renderQueue();
  } catch (e) {
    if (button) button.disabled = false;
    toast('label not written: ' + e.message, true);
  }
}

function showWorkerLabels(counts) {
  const node = $('worker-labels');
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const before = state.workerLabels;
  state.workerLabels = counts;
  node.dataset.total = total;
  for (const [k, v] of Object.entries(counts)) node.dataset[k.replace(/_(.)/g, (m, c) => c.toUpperCase())] = v;
  const parts = Object.entries(counts).map(([k, v]) => `${k.replace('_', ' ')} ${v}`);
  node.textContent = 'worker labels: ' + (parts.length ? parts.join(' · ') : 'none yet');
  if (before) {
    const beforeTotal = Object.values(before).reduce((a, b) => a + b, 0);
    if (total > beforeTotal) {
      const moved = Object.keys(counts).filter((k) => counts[k] > (before[k] || 0));
      const acked = state.pendingLabels.splice(0, total - beforeTotal);
      if (acked.length) toast(`worker took ${acked.map((l) => l.summary).join(', ')}: ${moved.join(', ')}`);
      node.classList.add('moved');
      setTimeout(() => node.classList.remove('moved'), 1500);
    }
  }
}

// ---- lines and alerts ----

const lines = new Map();

function showLine(stats) {
  lines.set(stats.lineId, stats);
  const root = $('lines');
  root.replaceChildren();
  for (const s of lines.values()) {
    const box = el('div', 'line');
    box.dataset.lineId = s.lineId;
    box.append(el('div', null, s.lineId),
      el('div', 'yield', (100 * s.yield).toFixed(1) + ' % yield'),
      el('div', null, `${s.frames} frames: OK ${s.ok} · NG ${s.ng} · UNSURE ${s.unsure}`),
      el('div', 'empty', `window ${new Date(s.windowStart).toLocaleTimeString()}–` +
        `${new Date(s.windowEnd).toLocaleTimeString()}, p95 ${Math.round(s.latencyP95Ms)} ms`));
    const hist = el('div', 'hist');
    const types = Object.entries(s.defectTypes).sort((a, b) => b[1] - a[1]);
    const most = types.length ? types[0][1] : 1;
    for (const [t, n] of types) {
      const row = el('div');
      const bar = el('span', 'bar');
      bar.style.width = Math.max(2, Math.round(120 * n / most)) + 'px';
      row.append(el('span', null, t), bar, el('span', null, n));
      hist.append(row);
    }
    box.append(hist);
    root.append(box);
  }
}

const alerts = new Map();

function showAlert(alert) {
  if (alert.state === 'CLEARED') alerts.delete(alert.alertId);
  else if (alert.state === 'FIRING') alerts.set(alert.alertId, alert);
  while (alerts.size > 100) alerts.delete(alerts.keys().next().value);
  const root = $('alerts');
  root.replaceChildren();
  if (!alerts.size) root.append(el('li', 'empty', 'none'));
  for (const a of [...alerts.values()].reverse()) {
    const li = el('li', 'sev-' + a.severity);
    li.append(el('strong', null, a.kind + ' '), el('span', null, a.message || a.lineId),
      el('div', 'empty', 'since ' + new Date(a.since).toLocaleTimeString()));
    root.append(li);
  }
}

// ---- wiring ----

async function loadSnapshot() {
  const asked = state.arrivals;
  const res = await fetch('api/snapshot');
  const snap = await res.json();
  const cards = snap.cards.slice(0, MAX_FEED_CARDS);
  for (const card of [...cards].reverse()) upsert(card);
  // After a reconnect the snapshot holds the cards missed meanwhile: the feed takes the server's
  // order (newest first), below the cards that arrived live since the snapshot was asked for.
  const inSnapshot = new Set(cards.map((c) => c.frameId));
  const newer = state.feed.filter((id) => !inSnapshot.has(id) && state.arrivedAt.get(id) > asked);
  const older = state.feed.filter((id) => !inSnapshot.has(id) && !newer.includes(id));
  const ordered = [...newer, ...cards.map((c) => c.frameId), ...older];
  state.feed = ordered.slice(0, MAX_FEED_CARDS);
  for (const id of ordered.slice(MAX_FEED_CARDS)) {
    if (!state.queue.includes(id)) { state.cards.delete(id); state.arrivedAt.delete(id); }
  }
  if (!state.drawing) rerenderFeed();
  snap.lines.forEach(showLine);
  alerts.clear();
  snap.alerts.forEach(showAlert);
  if (snap.workerLabels) showWorkerLabels(snap.workerLabels);
}

function connect() {
  const source = new EventSource('api/events');
  source.onopen = () => {
    $('connection').textContent = 'live';
    $('connection').className = 'connection live';
    loadSnapshot().catch((e) => toast('snapshot failed: ' + e.message, true));
  };
  source.onerror = () => {
    $('connection').textContent = 'reconnecting';
    $('connection').className = 'connection';
  };
  source.addEventListener('card', (e) => {
    const card = JSON.parse(e.data);
    state.arrivals += 1;
    if (!state.arrivedAt.has(card.frameId)) state.arrivedAt.set(card.frameId, state.arrivals);
    upsert(card);
  });
  source.addEventListener('stats', (e) => showLine(JSON.parse(e.data)));
  source.addEventListener('alert', (e) => showAlert(JSON.parse(e.data)));
  source.addEventListener('labels', (e) => showWorkerLabels(JSON.parse(e.data)));
}

document.addEventListener('keydown', (ev) => {
  if (ev.target.tagName === 'INPUT' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const id = selectedQueueCard();
  const count = $('queue').querySelectorAll('.card').length;
  if (ev.key === 'j') state.selected = Math.min(count - 1, state.selected + 1);
  else if (ev.key === 'k') state.selected = Math.max(0, state.selected - 1);
  else if ((ev.key === 'o' || ev.key === 'n') && id) {
    // Off the queue at once: a second key press labels the next frame, not this one again.
    dropFromQueue(id);
    const kind = ev.key === 'o' ? 'OVERRIDE_OK' : 'CONFIRM_NG';
    sendLabel(id, kind, {}, null, clickId(id, kind));
  }
  else if (ev.key === 'b' && id) {
    const node = $('queue').querySelector(`[data-frame-id="${CSS.escape(id)}"] [data-action="draw_box"]`);
    if (node) node.click();
    return;
  } else return;
  renderQueue();
  const sel = $('queue').querySelector('.card.selected');
  if (sel) sel.scrollIntoView({ block: 'nearest', inline: 'nearest' });
});

$('feed').addEventListener('mouseenter', () => { state.pointerInFeed = true; });
$('feed').addEventListener('mouseleave', () => { state.pointerInFeed = false; releaseHeldCards(); });
$('show-heatmap').addEventListener('change', (e) => document.body.classList.toggle('no-heatmap', !e.target.checked));
$('show-regions').addEventListener('change', (e) => document.body.classList.toggle('no-regions', !e.target.checked));
$('operator').value = localStorage.getItem('clipline-operator') || '';
$('operator').addEventListener('change', (e) => localStorage.setItem('clipline-operator', e.target.value.trim()));
$('camera-filter').addEventListener('change', (e) => { state.cameraFilter = e.target.value; rerenderFeed(); });

connect();
