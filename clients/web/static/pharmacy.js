// The pharmacy's page (issue 27): the three worklists, a dose found by
// scanning its bag's label (a keyboard-wedge scanner types the label's
// ISBT 128 data and Enter into the scan field), every gate of its release
// with its result, and the release signed with the password typed again.
// Shown to pharmacists only; the server refuses the routes to anyone else.
// Doses, scans and the patient's identifiers go in POST bodies, never in a
// URL. Uses console.js's $, api and showError (loaded first).
'use strict';

// Every gate of a release in the order the service judges them
// (services/dose/reasons.h, release.cc; the order sheet's first) with what
// it checks: the words of a gate that holds. Whether a gate fails, and why,
// comes from the service (failingGates, blockingGates), never from this list.
const GATES = [
  ['WRONG_ORDER', "the dose is the one prepared for the order sheet's order"],
  ['LOT_NOT_RELEASED', 'the lot is released by QA'],
  ['CONDITION_NOT_ACKNOWLEDGED', "a conditional lot's pending tests are acknowledged"],
  ['PREPARATION_NOT_ACCEPTED', 'the count after preparation is within the window'],
  ['PREPARATION_NOT_VERIFIED', 'a second technician verified it'],
  ['LABEL_MISMATCH', "the scanned label is exactly the dose's"],
  ['PATIENT_MISMATCH', "the patient read is the order's"],
  ['DOSE_EXPIRED', 'the dose is not expired'],
  ['ITEM_ON_HOLD', 'no hold on the bag or what it came from'],
  ['CUSTODY_BROKEN', 'custody of the bag is unbroken'],
  ['TEMPERATURE_EXCURSION', 'no temperature excursion'],
];
// Judged only with what the pharmacist has in hand, at release.
const AT_RELEASE = new Set(['WRONG_ORDER', 'LABEL_MISMATCH', 'PATIENT_MISMATCH']);

const WORKLISTS = [
  ['WORKLIST_AWAITING_RELEASE', 'pharmacy-awaiting'],
  ['WORKLIST_RELEASED_NOT_INFUSED', 'pharmacy-released'],
  ['WORKLIST_EXPIRING_SOON', 'pharmacy-expiring'],
];

let listed = [];     // every dose of the worklists, as last loaded
let current = null;  // the dose shown

function pharmacyCell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;  // data, never markup
  row.appendChild(td);
  return td;
}

// The failing gates of a refused release, by reason, with the service's
// words: its metadata's "gate_<reason in lower case>" keys
// (services/dose/reasons.h GateMetadataKey), as the CLI reads them. Empty
// for a refusal that is not the gates' (WRONG_ORDER, a wrong password...).
function failingGates(metadata) {
  const failed = new Map();
  for (const [key, words] of Object.entries(metadata || {})) {
    if (key.startsWith('gate_')) failed.set(key.slice(5).toUpperCase(), words);
  }
  return failed;
}

// The gates failing now, by reason: GetDose's release_blockers, one
// "REASON: the service's words" a gate.
function blockingGates(lines) {
  const failed = new Map();
  for (const line of lines) {
    const colon = line.indexOf(': ');
    if (colon > 0) failed.set(line.slice(0, colon), line.slice(colon + 2));
    else failed.set(line, '');
  }
  return failed;
}

// Every gate with its result: pass, FAIL and the service's words, or (for
// a dose not yet released) "at release" for those judged only then. A
// failing gate this page does not know is shown too, after the others.
function showGates(failed, judgedAll) {
  const body = $('pharmacy-gates').tBodies[0];
  body.replaceChildren();
  const known = new Set(GATES.map(([reason]) => reason));
  const unknown = [...failed.keys()].filter((reason) => !known.has(reason))
    .map((reason) => [reason, '']);
  for (const [reason, checks] of GATES.concat(unknown)) {
    const row = document.createElement('tr');
    let result = 'pass';
    if (failed.has(reason)) result = 'FAIL';
    else if (!judgedAll && AT_RELEASE.has(reason)) result = 'at release';
    row.className = result === 'FAIL' ? 'fail' : '';
    pharmacyCell(row, result);
    pharmacyCell(row, reason);
    pharmacyCell(row, failed.has(reason) ? failed.get(reason) : checks);
    body.appendChild(row);
  }
}

async function loadWorklists() {
  listed = [];
  for (const [worklist, table] of WORKLISTS) {
    const answer = await api('POST', '/api/pharmacy/worklist', { worklist });
    const body = $(table).tBodies[0];
    body.replaceChildren();
    for (const d of answer.doses) {
      listed.push(d);
      const row = document.createElement('tr');
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = d.doseId;
      open.addEventListener('click', () => openDose(d.doseId).catch(showError));
      pharmacyCell(row, '').appendChild(open);
      pharmacyCell(row, d.subjectId);
      pharmacyCell(row, d.din);
      pharmacyCell(row, d.productCode);
      pharmacyCell(row, d.state.replace('DOSE_STATE_', ''));
      pharmacyCell(row, d.expiresAt || '');
      body.appendChild(row);
    }
  }
}

async function openDose(doseId) {
  showError(null);
  const answer = await api('POST', '/api/pharmacy/dose', { doseId });
  current = answer.dose;
  const d = current;
  $('pharmacy-dose-title').textContent =
    `Dose ${d.doseId}: ${d.state.replace('DOSE_STATE_', '')}`;
  $('pharmacy-dose-facts').textContent =
    `order ${d.orderId}, patient ${d.subjectId}, DIN ${d.din}, ` +
    `product ${d.productCode}, expires ${d.expiresAt || ''}`;
  $('pharmacy-outcome').textContent = '';
  showGates(blockingGates(answer.releaseBlockers), false);
  $('pharmacy-dose').hidden = false;
}

// The scanner's line: the bag it labels, then its dose on the worklists.
async function scanned(scan) {
  showError(null);
  const answer = await api('POST', '/api/pharmacy/scan', { scan });
  const itemId = answer.item ? answer.item.itemId : '';
  const dose = listed.find((d) => d.itemId === itemId);
  if (!dose) throw new Error(`no dose on the worklists is in bag ${itemId}`);
  await openDose(dose.doseId);
  $('pharmacy-release-form').elements.labelScan.value = scan;
}

async function release(form) {
  showError(null);
  const f = new FormData(form);
  const text = (name) => String(f.get(name) || '').trim();
  const request = {
    context: { requestId: crypto.randomUUID() },
    doseId: current.doseId,
    orderId: text('orderId'),
    labelScan: text('labelScan'),
    subjectId: text('subjectId'),
    dateOfBirth: text('dateOfBirth'),
    initials: text('initials'),
    signature: { password: String(f.get('password') || ''),
                 meaning: 'SIGNATURE_MEANING_RELEASED' },
  };
  form.elements.password.value = '';  // asked again at every signature
  try {
    const answer = await api('POST', '/api/pharmacy/release', request);
    showGates(new Map(), true);
    $('pharmacy-outcome').textContent =
      `RELEASED by ${answer.dose.releasedByUserId} at ${answer.dose.releasedAt}`;
    current = answer.dose;
  } catch (error) {
    $('pharmacy-outcome').textContent =
      `NOT released: ${error.reason || error.status} — ${error.message}`;
    const failed = failingGates(error.metadata);
    if (failed.size > 0) showGates(failed, true);
  }
  await loadWorklists();
}

// console.js's cellchain-session event: the user's roles ([] logged out).
async function showPharmacy(roles) {
  const pharmacist = roles.includes('ROLE_PHARMACIST');
  $('pharmacy-section').hidden = !pharmacist;
  if (!pharmacist) return;
  await loadWorklists().catch(showError);
}

document.addEventListener('DOMContentLoaded', () => {
  document.addEventListener('cellchain-session', (event) => showPharmacy(event.detail.roles));
  $('pharmacy-scan-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const field = event.target.elements.scan;
    scanned(field.value.trim()).catch(showError);
    field.value = '';  // ready for the next scan
  });
  $('pharmacy-release-form').addEventListener('submit', (event) => {
    event.preventDefault();
    release(event.target).catch(showError);
  });
  $('pharmacy-refresh').addEventListener('click', () => loadWorklists().catch(showError));
});
