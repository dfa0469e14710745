// The console's one script (no framework, no inline script: the
// Content-Security-Policy allows only files of this origin). It logs in,
// shows the audit trail with its filters and pages, and logs out. Every
// change sends the X-CSRF-Token header the server bound to the session.
'use strict';

const $ = (id) => document.getElementById(id);

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)cellchain_csrf=([^;]*)/);
  return match ? match[1] : '';
}

// fetch's options for `method` with `body` as JSON and, for a change, the
// X-CSRF-Token header.
function fetchInit(method, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = csrfToken();
    init.body = JSON.stringify(body || {});
  }
  return init;
}

// The Error of a refusal ({code, message, reason, field, metadata}) with
// its status. A page reads facts from reason, field and metadata, never
// from the message, which is for people.
function refusal(response, answer) {
  const error = new Error(answer.message || response.statusText);
  error.status = response.status;
  error.reason = answer.reason;  // the rule that refused (ErrorInfo's)
  error.field = answer.field;    // the request's field it names, or ''
  error.metadata = answer.metadata || {};  // ErrorInfo's facts, by key
  return error;
}

async function api(method, path, body) {
  const response = await fetch(path, fetchInit(method, body));
  const answer = await response.json();
  if (!response.ok) throw refusal(response, answer);
  return answer;
}

function showError(error) {
  $('error').textContent = error ? String(error.message || error) : '';
}

function show(loggedIn, who, roles) {
  $('login-section').hidden = loggedIn;
  // The trail is QA's and the administrator's (the server refuses others).
  $('audit-section').hidden = !loggedIn ||
    !(roles || []).some((r) => r === 'ROLE_QA' || r === 'ROLE_ADMIN');
  $('logout').hidden = !loggedIn;
  $('who').textContent = loggedIn ? who : '';
  // Each page's script shows itself to the roles it is for.
  document.dispatchEvent(new CustomEvent('cellchain-session',
                                         { detail: { roles: loggedIn ? roles || [] : [] } }));
}

async function refreshSession() {
  try {
    const me = await api('GET', '/api/session');
    show(true, `${me.user.printedName} (${me.user.userId})`, me.user.roles);
  } catch (error) {
    show(false);
    if (error.status !== 401) showError(error);
  }
}

// The request's filter from the form; empty fields are left out.
function auditRequest(pageToken) {
  const f = new FormData($('audit-form'));
  const text = (name) => String(f.get(name) || '').trim();
  const time = (name) => (text(name) ? new Date(text(name)).toISOString() : undefined);
  const filter = {};
  if (text('entityType')) filter.entity = { type: text('entityType'), id: text('entityId') };
  if (text('din')) filter.din = text('din');
  if (text('actorUserId')) filter.actorUserId = text('actorUserId');
  if (text('action')) filter.action = text('action');
  if (time('recordedFrom')) filter.recordedFrom = time('recordedFrom');
  if (time('recordedBefore')) filter.recordedBefore = time('recordedBefore');
  return {
    filter,
    order: text('order'),
    page: { pageSize: Number(text('pageSize')) || 50, pageToken: pageToken || '' },
  };
}

let nextPageToken = '';

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;  // never innerHTML: records are data, not markup
  row.appendChild(td);
}

async function loadAudit(append) {
  if ($('audit-section').hidden) return;
  showError(null);
  try {
    const answer = await api('POST', '/api/audit/records',
                             auditRequest(append ? nextPageToken : ''));
    const body = $('audit-table').tBodies[0];
    if (!append) body.replaceChildren();
    for (const view of answer.records) {
      const r = view.record || {};
      const row = document.createElement('tr');
      cell(row, view.logIndex);
      cell(row, r.recordedAt || '');
      cell(row, r.service || '');
      cell(row, r.action || '');
      cell(row, r.entity ? `${r.entity.type} ${r.entity.id}` : '');
      cell(row, r.actor ? r.actor.userId : '');
      cell(row, r.actor ? r.actor.role : '');
      body.appendChild(row);
    }
    nextPageToken = answer.page ? answer.page.nextPageToken : '';
    $('audit-more').hidden = !nextPageToken;
  } catch (error) {
    showError(error);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    const f = new FormData(event.target);
    try {
      await api('POST', '/api/login', { userId: f.get('userId'), password: f.get('password') });
      event.target.reset();
      await refreshSession();
      await loadAudit(false);
    } catch (error) {
      showError(error);
    }
  });
  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/logout', {});
    } catch (error) {
      showError(error);
    }
    show(false);
  });
  $('audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadAudit(false);
  });
  $('audit-more').addEventListener('click', () => loadAudit(true));
  refreshSession();
});
