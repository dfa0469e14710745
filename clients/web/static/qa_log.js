// QA's log tools (issue 27): the whole audit log verified with its progress
// shown as it goes (the route streams VerifyLogResponse messages, one JSON
// object a line), its findings and the counts the CLI's `audit verify`
// prints; and the downloads of the lot shown by qa.js: its certificate of
// analysis (PDF) and its audit bundle (a tar of the directory
// `cellchain-qa audit export` writes, for `cellchain-verify bundle`).
// Uses console.js's $, fetchInit, refusal and showError and qa.js's qaLot
// (loaded first). Everything from the server is set as text.
'use strict';

// POSTs `body` to `path` and hands each line of the streamed answer, parsed,
// to onItem as it arrives. A refusal before the stream is thrown; one after
// it began is its last line ({code, message, ...}), thrown too.
async function streamLines(path, body, onItem) {
  const response = await fetch(path, fetchInit('POST', body));
  if (!response.ok) throw refusal(response, await response.json());
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const item = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (item.code) throw refusal(response, item);
      onItem(item);
      newline = buffered.indexOf('\n');
    }
    if (done) return;
  }
}

async function verifyLog() {
  showError(null);
  const button = $('qa-verify');
  const bar = $('qa-verify-progress');
  const findings = $('qa-findings');
  findings.replaceChildren();
  $('qa-verify-summary').textContent = '';
  bar.hidden = false;
  bar.value = 0;
  button.disabled = true;
  let summary = null;
  try {
    await streamLines('/api/audit/verify', {}, (item) => {
      if (item.progress) {
        const p = item.progress;
        bar.max = Math.max(Number(p.total), 1);
        bar.value = Number(p.done);
        $('qa-verify-phase').textContent = `${p.phase}: ${p.done} of ${p.total}`;
      } else if (item.finding) {
        const f = item.finding;
        const entity = f.entity ? `${f.entity.type}/${f.entity.id}` : '';
        const li = document.createElement('li');
        li.className = 'fail';
        li.textContent =
          `FINDING ${f.check} record ${f.recordId} (index ${f.logIndex}, ${entity}): ${f.message}`;
        findings.appendChild(li);
      } else if (item.summary) {
        summary = item.summary;
        bar.value = bar.max;  // done, even after a last phase of 0 of 0
      }
    });
  } finally {
    button.disabled = false;
  }
  if (!summary) throw new Error('the verification ended without its summary');
  const s = summary;
  $('qa-verify-summary').textContent =
    `verified ${s.records} records, ${s.checkpoints} checkpoints, ${s.entities} entities;` +
    ` tree size ${s.treeSize}; ${s.findings} finding(s)`;
}

// POSTs `body` to `path` and saves the answer under the name its
// Content-Disposition gives.
async function download(path, body) {
  showError(null);
  const response = await fetch(path, fetchInit('POST', body));
  if (!response.ok) throw refusal(response, await response.json());
  const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  const name = named ? named[1] : 'download';
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  $('qa-saved').textContent = `saved ${name} (${blob.size} bytes)`;
}

document.addEventListener('DOMContentLoaded', () => {
  $('qa-verify').addEventListener('click', () => verifyLog().catch(showError));
  $('qa-certificate').addEventListener('click', () =>
    download('/api/qc/certificate', { lotId: qaLot.lot.lotId }).catch(showError));
  $('qa-lot-bundle').addEventListener('click', () =>
    download('/api/audit/export', {
      filter: { entity: { type: 'qc_lot', id: qaLot.lot.lotId } },
    }).catch(showError));
});
