// Manufacturing's page (issue 27): a batch's growth curve drawn as an SVG
// line chart — x the days since processing, y the cumulative population
// doublings, one point per harvest labelled with its passage (P0, P1, ...),
// one line per series (the main line, then each side culture), axes with
// ticks. The batch id comes from a field a keyboard-wedge scanner can type
// into (its Enter submits) and travels in the POST body, never in a URL.
// Shown to the roles GetGrowthCurve allows (technician, QC analyst, QA);
// the server refuses the route to anyone else. Uses console.js's $, api
// and showError (loaded first). Everything from the server is set as text
// or attributes through the DOM, never as markup.
'use strict';

const MFG_SVG_NS = 'http://www.w3.org/2000/svg';
const MFG_ROLES = ['ROLE_TECHNICIAN', 'ROLE_QC_ANALYST', 'ROLE_QA'];
// The chart's size and its margins (room for the ticks and axis titles).
const MFG_W = 640;
const MFG_H = 360;
const MFG_MARGIN = { left: 64, right: 24, top: 24, bottom: 52 };

function mfgSvg(name, attributes, parent) {
  const element = document.createElementNS(MFG_SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (parent) parent.appendChild(element);
  return element;
}

// Ticks from 0 past `max`, 1, 2 or 5 times a power of ten apart, at most
// about `count` of them.
function mfgTicks(max, count) {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let t = 0; t < top + step / 2; t += step) ticks.push(Number(t.toFixed(6)));
  if (ticks[ticks.length - 1] < top) ticks.push(Number((ticks[ticks.length - 1] + step).toFixed(6)));
  return ticks;
}

// One axis: its line, its ticks with their values, its title.
function mfgAxis(chart, horizontal, ticks, scale, title) {
  const { left, top, bottom } = MFG_MARGIN;
  const baseY = MFG_H - bottom;
  const axis = mfgSvg('g', { class: horizontal ? 'axis x' : 'axis y' }, chart);
  if (horizontal) {
    mfgSvg('line', { x1: left, y1: baseY, x2: scale(ticks[ticks.length - 1]), y2: baseY }, axis);
  } else {
    mfgSvg('line', { x1: left, y1: baseY, x2: left, y2: scale(ticks[ticks.length - 1]) }, axis);
  }
  for (const t of ticks) {
    const at = scale(t);
    const tick = mfgSvg('g', { class: 'tick', 'data-value': t }, axis);
    if (horizontal) {
      mfgSvg('line', { x1: at, y1: baseY, x2: at, y2: baseY + 5 }, tick);
      mfgSvg('text', { x: at, y: baseY + 18, 'text-anchor': 'middle' }, tick).textContent = String(t);
    } else {
      mfgSvg('line', { x1: left - 5, y1: at, x2: left, y2: at }, tick);
      mfgSvg('text', { x: left - 8, y: at + 4, 'text-anchor': 'end' }, tick).textContent = String(t);
    }
  }
  const label = horizontal
    ? mfgSvg('text', { class: 'title', x: (left + MFG_W - MFG_MARGIN.right) / 2, y: MFG_H - 12,
      'text-anchor': 'middle' }, axis)
    : mfgSvg('text', { class: 'title', x: 14, y: (top + baseY) / 2, 'text-anchor': 'middle',
      transform: `rotate(-90 14 ${(top + baseY) / 2})` }, axis);
  label.textContent = title;
}

// GetGrowthCurveResponse's points (by series, then by day) as the chart.
function mfgDrawCurve(points) {
  const { left, right, top, bottom } = MFG_MARGIN;
  const xTicks = mfgTicks(Math.max(...points.map((p) => p.day || 0)), 8);
  const yTicks = mfgTicks(Math.max(...points.map((p) => p.cumulativePopulationDoublings || 0)), 6);
  const x = (day) => left + (day / xTicks[xTicks.length - 1]) * (MFG_W - left - right);
  const y = (pd) => MFG_H - bottom - (pd / yTicks[yTicks.length - 1]) * (MFG_H - top - bottom);
  const chart = mfgSvg('svg', { id: 'mfg-curve-graph', role: 'img', width: MFG_W, height: MFG_H,
    viewBox: `0 0 ${MFG_W} ${MFG_H}` });
  mfgSvg('title', {}, chart).textContent =
    `Growth curve: ${points.length} harvests, cumulative population doublings by day`;
  mfgAxis(chart, true, xTicks, x, 'days since processing');
  mfgAxis(chart, false, yTicks, y, 'cumulative population doublings');
  const series = new Map();
  for (const p of points) {
    const s = p.series || 0;
    if (!series.has(s)) series.set(s, []);
    series.get(s).push(p);
  }
  for (const [s, line] of series) {
    const g = mfgSvg('g', { class: s === 0 ? 'series main' : 'series side', 'data-series': s }, chart);
    mfgSvg('polyline', {
      points: line.map((p) => `${x(p.day || 0)},${y(p.cumulativePopulationDoublings || 0)}`).join(' '),
    }, g);
    for (const p of line) {
      const day = p.day || 0;
      const pd = p.cumulativePopulationDoublings || 0;
      const passage = `P${p.passageNumber || 0}`;
      const point = mfgSvg('g', { class: 'point', 'data-step-id': p.stepId || '',
        'data-passage': p.passageNumber || 0, 'data-day': day, 'data-pd': pd }, g);
      mfgSvg('circle', { cx: x(day), cy: y(pd), r: 4 }, point);
      mfgSvg('text', { x: x(day) + 6, y: y(pd) - 6 }, point).textContent = passage;
      mfgSvg('title', {}, point).textContent =
        `${passage} (${s === 0 ? 'main line' : `side ${s}`}): day ${day.toFixed(2)}, ` +
        `${pd.toFixed(2)} cumulative population doublings, step ${p.stepId || ''}`;
    }
  }
  return chart;
}

async function mfgLoadCurve(form) {
  showError(null);
  const batchId = new FormData(form).get('batchId').trim();
  const answer = await api('POST', '/api/manufacturing/growth-curve', { batchId });
  const points = answer.points || [];
  $('mfg-curve-title').textContent = `Batch ${batchId}`;
  $('mfg-curve-none').hidden = points.length > 0;
  $('mfg-curve').replaceChildren(...(points.length > 0 ? [mfgDrawCurve(points)] : []));
  form.elements.batchId.select();  // ready for the next scan
}

// console.js's cellchain-session event: the user's roles ([] logged out).
function showManufacturing(roles) {
  const allowed = roles.some((r) => MFG_ROLES.includes(r));
  $('mfg-section').hidden = !allowed;
  if (!allowed) {
    $('mfg-curve').replaceChildren();
    $('mfg-curve-title').textContent = '';
    $('mfg-curve-none').hidden = true;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.addEventListener('cellchain-session', (event) => showManufacturing(event.detail.roles));
  $('mfg-curve-form').addEventListener('submit', (event) => {
    event.preventDefault();
    mfgLoadCurve(event.target).catch(showError);
  });
});
