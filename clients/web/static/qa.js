// QA's page (issue 27): the lots awaiting disposition with their tests'
// results and OOS flags, a lot's trace drawn as an SVG graph (nodes the
// items, edges the derivation links, each edge opening the signed audit
// record that made it), and QA's disposition signed with the password
// typed again. Shown to QA only; the server refuses the routes to anyone
// else. Lot and item ids go in POST bodies, never in a URL. Uses
// console.js's $, api and showError (loaded first). Everything from the
// server is set as text or attributes through the DOM, never as markup.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
// The states that await a disposition.
const AWAITING = ['LOT_STATE_TESTING', 'LOT_STATE_ON_HOLD'];
// What each disposition's signature means (qc.proto's DisposeLot).
const MEANING = {
  LOT_STATE_RELEASED: 'SIGNATURE_MEANING_RELEASED',
  LOT_STATE_CONDITIONALLY_RELEASED: 'SIGNATURE_MEANING_RELEASED',
  LOT_STATE_REJECTED: 'SIGNATURE_MEANING_REJECTED',
  LOT_STATE_ON_HOLD: 'SIGNATURE_MEANING_APPROVED',
};

let qaLot = null;  // the GetLotResponse shown

// "LOT_STATE_TESTING" -> "testing"
function words(value, prefix) {
  return String(value || '').replace(prefix, '').replace(/_/g, ' ').toLowerCase();
}

function qaCell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function hasOos(detail) {
  return (detail.tests || []).some((t) => t.status === 'TEST_STATUS_OUT_OF_SPECIFICATION');
}

async function loadLots() {
  showError(null);
  const lots = [];
  for (const state of AWAITING) {
    const answer = await api('POST', '/api/qc/lots', { state });
    lots.push(...(answer.lots || []));
  }
  const details = await Promise.all(
    lots.map((lot) => api('POST', '/api/qc/lot', { lotId: lot.lotId })));
  const body = $('qa-lots').tBodies[0];
  body.replaceChildren();
  details.forEach((detail) => {
    const lot = detail.lot;
    const row = document.createElement('tr');
    row.dataset.lotId = lot.lotId;
    if (hasOos(detail)) row.classList.add('fail');
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = lot.lotId;
    open.addEventListener('click', () => openLot(lot.lotId).catch(showError));
    qaCell(row, '').appendChild(open);
    qaCell(row, words(lot.state, 'LOT_STATE_'));
    qaCell(row, lot.din || '');
    qaCell(row, (detail.tests || [])
      .map((t) => `${t.code}: ${words(t.status, 'TEST_STATUS_')}`).join('; '));
    qaCell(row, hasOos(detail) ? 'OOS' : '');
    body.appendChild(row);
  });
  $('qa-none').hidden = details.length > 0;
}

function showResults(detail) {
  const body = $('qa-results').tBodies[0];
  body.replaceChildren();
  for (const r of detail.results || []) {
    const row = document.createElement('tr');
    const oos = r.conformance === 'CONFORMANCE_OUT_OF_SPECIFICATION';
    if (oos && !r.invalidated) row.classList.add('fail');
    qaCell(row, r.testCode);
    qaCell(row, `${r.value || ''} ${r.unit || ''}`.trim());
    qaCell(row, r.criterion || '');
    qaCell(row, r.invalidated ? 'invalidated' : (oos ? 'OOS' : words(r.conformance, 'CONFORMANCE_')));
    qaCell(row, r.performedByUserId || '');
    qaCell(row, r.reviewedByUserId || 'not reviewed');
    body.appendChild(row);
  }
  const blockers = $('qa-blockers');
  blockers.replaceChildren();
  for (const line of detail.releaseBlockers || []) {
    const li = document.createElement('li');
    li.textContent = line;
    blockers.appendChild(li);
  }
}

async function openLot(lotId) {
  showError(null);
  qaLot = await api('POST', '/api/qc/lot', { lotId });
  $('qa-lot-title').textContent =
    `Lot ${qaLot.lot.lotId} (${words(qaLot.lot.state, 'LOT_STATE_')}), version ${qaLot.lot.version}`;
  showResults(qaLot);
  $('qa-signed').textContent = '';
  $('qa-record').hidden = true;
  $('qa-lot').hidden = false;
  await drawTrace();
}

// ---- the trace graph --------------------------------------------------------

// The tree of TraceNodes as distinct items (columns by depth, rows in
// the order met) and the links between them; an item shown above (a pool,
// a shared reagent) is one node with several edges.
function layout(root) {
  const nodes = new Map();  // itemId -> {item, depth, row}
  const edges = [];         // {from, to, kind, recordId}
  const rowsAt = [];
  const visit = (node, depth, parentId) => {
    const id = node.item.itemId;
    if (!nodes.has(id)) {
      rowsAt[depth] = (rowsAt[depth] || 0) + 1;
      nodes.set(id, { item: node.item, depth, row: rowsAt[depth] - 1 });
    }
    if (parentId) edges.push({ from: parentId, to: id, kind: node.kind, recordId: node.recordId });
    if (!node.shownAbove) for (const child of node.children || []) visit(child, depth + 1, id);
  };
  visit(root, 0, null);
  return { nodes, edges, rows: Math.max(...rowsAt), depths: rowsAt.length };
}

function svg(name, attributes, parent) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (parent) parent.appendChild(element);
  return element;
}

const NODE_W = 250;
const NODE_H = 44;
const GAP_X = 70;
const GAP_Y = 16;

function drawGraph(trace) {
  const { nodes, edges, rows, depths } = layout(trace.root);
  const x = (n) => 10 + n.depth * (NODE_W + GAP_X);
  const y = (n) => 10 + n.row * (NODE_H + GAP_Y);
  const graph = svg('svg', {
    id: 'qa-trace-graph', role: 'img',
    width: 20 + depths * (NODE_W + GAP_X) - GAP_X,
    height: 20 + rows * (NODE_H + GAP_Y) - GAP_Y,
  });
  svg('title', {}, graph).textContent = `Trace: ${nodes.size} items, ${edges.length} links`;
  for (const edge of edges) {
    const a = nodes.get(edge.from);
    const b = nodes.get(edge.to);
    const link = svg('a', { class: 'edge', href: '#qa-record', 'data-record-id': edge.recordId || '',
      'data-from': edge.from, 'data-to': edge.to }, graph);
    svg('title', {}, link).textContent =
      `${words(edge.kind, 'DERIVATION_KIND_')}: the record ${edge.recordId || '(none)'}`;
    const x1 = x(a) + NODE_W;
    const y1 = y(a) + NODE_H / 2;
    const x2 = x(b);
    const y2 = y(b) + NODE_H / 2;
    svg('path', { d: `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}` }, link);
    svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 3, 'text-anchor': 'middle' }, link)
      .textContent = words(edge.kind, 'DERIVATION_KIND_');
    link.addEventListener('click', (event) => {
      event.preventDefault();
      showRecord([edge.to, edge.from], edge.recordId).catch(showError);
    });
  }
  for (const [id, n] of nodes) {
    const g = svg('g', { class: 'node', 'data-item-id': id,
      transform: `translate(${x(n)},${y(n)})` }, graph);
    svg('rect', { width: NODE_W, height: NODE_H, rx: 5 }, g);
    svg('text', { x: 6, y: 17 }, g).textContent = words(n.item.type, 'ITEM_TYPE_');
    svg('text', { x: 6, y: 35, class: 'id' }, g).textContent = id;
    svg('title', {}, g).textContent = n.item.description || id;
  }
  return graph;
}

async function drawTrace() {
  if (!qaLot) return;
  const direction = $('qa-trace-direction').value;
  const trace = await api('POST', `/api/custody/trace-${direction}`,
                          { itemId: qaLot.lot.productItemId });
  $('qa-trace').replaceChildren(drawGraph(trace));
}

// The audit record that made a link: in the signed history of the item
// the link made (the lower node going forward, the upper one backward).
async function showRecord(itemIds, recordId) {
  let answer = null;
  let view = null;
  for (const id of itemIds) {
    answer = await api('POST', '/api/audit/history', { entity: { type: 'item', id } });
    view = (answer.records || []).find((v) => v.record && v.record.recordId === recordId);
    if (view) break;
  }
  const body = $('qa-record').tBodies[0];
  body.replaceChildren();
  const r = view ? view.record : {};
  const rows = view ? [
    ['Record', r.recordId], ['Log index', view.logIndex], ['Recorded', r.recordedAt],
    ['Service', r.service], ['Action', r.action],
    ['Entity', r.entity ? `${r.entity.type} ${r.entity.id}` : ''],
    ['User', r.actor ? `${r.actor.userId} (${r.actor.role})` : ''],
    ['Signature', r.signature ? words(r.signature.meaning, 'SIGNATURE_MEANING_') : 'none'],
    ['Signature (Ed25519)', view.signature],
    ['History verified', answer.chainIntact ? 'yes' : 'NO'],
  ] : [['Record', `${recordId} not found in the history of ${itemIds.join(' or ')}`]];
  for (const [name, value] of rows) {
    const row = document.createElement('tr');
    qaCell(row, name);
    qaCell(row, value === undefined ? '' : String(value));
    body.appendChild(row);
  }
  $('qa-record').hidden = false;
}

// ---- the disposition ----------------------------------------------------------

async function dispose(form) {
  showError(null);
  const f = new FormData(form);
  const disposition = String(f.get('disposition'));
  const request = {
    context: { requestId: crypto.randomUUID(), reason: String(f.get('reason') || '') },
    lotId: qaLot.lot.lotId,
    disposition,
    expectedVersion: qaLot.lot.version,
    signature: { password: String(f.get('password')), meaning: MEANING[disposition] },
  };
  form.elements.password.value = '';  // asked again for every signature
  const answer = await api('POST', '/api/qc/dispose', request);
  await loadLots();
  await openLot(answer.lot.lotId);
  $('qa-signed').textContent =
    `Signed: lot ${answer.lot.lotId} is ${words(answer.lot.state, 'LOT_STATE_')}`;
}

// console.js's cellchain-session event: the user's roles ([] logged out).
async function showQa(roles) {
  const qa = roles.includes('ROLE_QA');
  $('qa-section').hidden = !qa;
  if (!qa) {
    qaLot = null;
    $('qa-lot').hidden = true;
    return;
  }
  await loadLots().catch(showError);
}

document.addEventListener('DOMContentLoaded', () => {
  document.addEventListener('cellchain-session', (event) => showQa(event.detail.roles));
  $('qa-refresh').addEventListener('click', () => loadLots().catch(showError));
  $('qa-trace-direction').addEventListener('change', () => drawTrace().catch(showError));
  $('qa-dispose-form').addEventListener('submit', (event) => {
    event.preventDefault();
    dispose(event.target).catch(showError);
  });
});
