// The flow-exporter console: reads /api/v1/console and /api/v1/top (the JSON scripts use too),
// draws the world map from /console/world.json, and runs the flow API's tap and search with the
// token the user typed (kept in this tab's sessionStorage only). No framework, no library.
'use strict';

const TOKEN_KEY = 'flow-exporter-api-token';
const SVG = 'http://www.w3.org/2000/svg';
let info = { families: ['as', 'router'], flow_api: false, interval_seconds: 5 };
let infoRead = false;
// Read /api/v1/console again at the next good refresh: the instance was away (a restart may change
// its flags) or refused a family the page asked for.
let infoDue = false;
// The world map: 'none' (not drawn, or its drawing failed: tried again at the next refresh),
// 'drawing', or 'drawn'.
let mapState = 'none';
let countryRows = { receive: [], transmit: [] };
let mapPaths = new Map();
let flowAbort = null;
let lastGood = null;
// The countries under the pointer and with the focus, and the one #map-tip names (the later of the
// two): kept so that each refresh rewrites the tip with the new rate instead of leaving the old one.
let hoveredPath = null;
let focusedPath = null;
let tipPath = null;

/** Flow rows drawn at most: more would freeze the page; the API (curl) gives them all. */
const MAX_ROWS = 2000;

/**
 * Routers asked for in each direction: all of them in practice (routers are few), so that each row
 * of the table has both directions; the table shows the busiest ROUTERS_SHOWN.
 */
const ROUTERS_ASKED = 1000;
const ROUTERS_SHOWN = 10;

const $ = (sel) => document.querySelector(sel);

function bits(v) {
  if (v === null || v === undefined) return '–';
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
}

function count(v) {
  if (v === null || v === undefined) return '–';
  return Number(v).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/**
 * Sets the text of a live region only when it differs: writing the same words again replaces the
 * text node, which some screen readers announce again.
 */
function say(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

/** A sparkline of bits per second (nulls skipped), 120 by 24, hidden from screen readers. */
function spark(history, width = 120, height = 24) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'sparkline');
  const values = (history || []);
  const max = Math.max(1, ...values.filter((v) => v !== null && v !== undefined));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  let d = '';
  // One point per interval of the window; null where it was not sampled (the exporter was not
  // ready) or had no rate: the line breaks there instead of joining the points on either side.
  const known = (i) => i >= 0 && i < values.length && values[i] !== null && values[i] !== undefined;
  values.forEach((v, i) => {
    if (!known(i)) return;
    const x = (i * step).toFixed(1);
    const y = (height - 1 - (v / max) * (height - 2)).toFixed(1);
    d += (known(i - 1) ? 'L' : 'M') + x + ',' + y;
    // A point alone between gaps would be a move with no line: a zero-length line, drawn as a dot
    // by the round cap.
    if (!known(i - 1) && !known(i + 1)) d += 'l0,0';
  });
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', '#0b5cad');
  path.setAttribute('stroke-width', '1.5');
  path.setAttribute('stroke-linecap', 'round');
  svg.appendChild(path);
  return svg;
}

// How long a refresh waits for an answer: an exporter that hangs (paused, its host unreachable
// without a refusal) must dim the figures like one that refuses, not leave them shown as current.
let answerWithinMs = 10000;

/** A signal that aborts after ms; by hand where AbortSignal.timeout is missing (Safari before 16). */
function timeoutSignal(ms) {
  if (AbortSignal.timeout) return AbortSignal.timeout(ms);
  const c = new AbortController();
  setTimeout(() => c.abort(new DOMException('the answer took too long', 'TimeoutError')), ms);
  return c.signal;
}

async function getJson(url, withinMs = answerWithinMs) {
  const r = await fetch(url, { headers: { Accept: 'application/json' }, signal: timeoutSignal(withinMs) });
  if (!r.ok) {
    const e = new Error(url + ': HTTP ' + r.status);
    e.status = r.status;
    throw e;
  }
  return r.json();
}

/** The top n; with history only where sparklines are drawn, since it is up to 180 numbers a row. */
function ranked(family, direction, n, history = true) {
  return getJson('/api/v1/top?family=' + family + '&direction=' + direction + '&n=' + n
    + (history ? '' : '&history=false'));
}

function fill(tbody, rows, cells) {
  tbody.replaceChildren(...rows.map((row) => {
    const tr = el('tr');
    cells(row).forEach((c) => tr.appendChild(c));
    return tr;
  }));
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'nothing counted yet', 'note');
    td.colSpan = tbody.parentElement.querySelectorAll('th').length;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }
}

function sparkCell(history) {
  const td = el('td');
  td.appendChild(spark(history));
  return td;
}

/** Marks the figures as current, or as left over from lastGood with the reason they are not. */
function markStale(why) {
  const status = $('#status');
  // The rate sections only: a running flow tap is live whatever /readyz says.
  const sections = document.querySelectorAll('main > section:not(#flows)');
  if (!why) {
    sections.forEach((s) => s.classList.remove('stale'));
    status.classList.remove('bad');
    return false;
  }
  sections.forEach((s) => s.classList.add('stale'));
  status.classList.add('bad');
  // lastGood does not change while the figures are stale, so neither do these words.
  say(status, why + (lastGood ? ' The figures below are from ' + lastGood.toLocaleTimeString() + '.' : ''));
  return true;
}

async function refresh() {
  let ready;
  try {
    ready = await fetch('/readyz', { headers: { Accept: 'text/plain' }, signal: timeoutSignal(answerWithinMs) });
  } catch (e) {
    infoDue = true;
    markStale('The exporter does not answer (' + e.message + ').');
    return;
  }
  if (!ready.ok) {
    infoDue = true;
    let reason = 'HTTP ' + ready.status;
    try {
      reason = (await ready.text()).trim().replace(/^not ready:\s*/, '') || reason;
    } catch (e) { /* the status says enough */ }
    // Not ready: nothing is served yet, or the stream is between owners; no figure is shown as a rate.
    $('#now-in').textContent = '–';
    $('#now-out').textContent = '–';
    markStale('Not ready (' + reason + '): rates resume two samples after the exporter is ready.');
    return;
  }
  if (infoDue) {
    infoDue = false;
    await readInfo();
  }
  try {
    const [asIn, asOut, rIn, rOut] = await Promise.all([
      ranked('as', 'receive', 10), ranked('as', 'transmit', 10), ranked('router', 'receive', ROUTERS_ASKED, false),
      ranked('router', 'transmit', ROUTERS_ASKED, false)]);
    $('#now-in').textContent = bits(asIn.total.bits_per_second);
    $('#now-out').textContent = bits(asOut.total.bits_per_second);
    $('#spark-in').replaceChildren(spark(asIn.total.history, 160, 32));
    $('#spark-out').replaceChildren(spark(asOut.total.history, 160, 32));
    for (const [id, answer] of [['#peers-receive', asIn], ['#peers-transmit', asOut]]) {
      fill($(id + ' tbody'), answer.top, (r) => [
        el('td', r.other ? 'other' : r.as), el('td', r.name || '(no name)'),
        el('td', bits(r.bits_per_second), 'num'), sparkCell(r.history)]);
    }
    fill($('#routers tbody'), busiestRouters(rIn.top, rOut.top), (v) => [
      el('td', v.other ? 'other' : v.hostname), el('td', bits(v.in), 'num'), el('td', bits(v.out), 'num')]);
    if (info.families.includes('country')) {
      const [cIn, cOut] = await Promise.all([ranked('country', 'receive', 300, false), ranked('country', 'transmit', 300, false)]);
      countryRows = { receive: cIn.top, transmit: cOut.top };
      // Without a country database, countries come from pmacct's fields alone: none may ever come.
      const none = cIn.entities + cOut.entities === 0;
      $('#map-off').hidden = !none;
      $('#map-on').hidden = none;
      ensureMap();
      shadeMap();
    }
    if (info.families.includes('port')) {
      const [pIn, pOut] = await Promise.all([ranked('port', 'receive', 10, false), ranked('port', 'transmit', 10, false)]);
      for (const [id, answer] of [['#ports-receive', pIn], ['#ports-transmit', pOut]]) {
        fill($(id + ' tbody'), answer.top, (r) => [
          el('td', r.other ? 'other' : r.port + '/' + r.protocol), el('td', bits(r.bits_per_second), 'num'),
          el('td', count(r.flows_per_second), 'num')]);
      }
    }
    const at = asIn.sampled_at ? new Date(asIn.sampled_at).toLocaleTimeString() : 'not yet';
    markStale(null);
    lastGood = new Date();
    // The live region says the state, which changes seldom; the time of the sample, which changes
    // every few seconds, goes beside it, outside the live region.
    say($('#status'), 'Ready: rates over ' + asIn.interval_seconds
      + ' s, sparklines over the last ' + Math.round(asIn.history_seconds / 60) + ' minutes'
      + (asIn.total.bits_per_second === null ? ' (measuring: rates need two samples)' : '') + '.');
    $('#sample-time').textContent = 'Last sample: ' + at + '.';
  } catch (e) {
    // A 400: the instance no longer serves a family this page asks for (restarted without --port).
    if (e.status === 400) infoDue = true;
    markStale('Could not read the rates: ' + e.message + '.');
  }
}

/**
 * The busiest routers in and out together, by in + out bits per second (then committed bytes, for
 * while rates are measured), each with both directions: in is null for a router that received
 * nothing (it is not in that answer), or whose rate is not known yet.
 */
function busiestRouters(received, sent) {
  const routers = new Map();
  const of = (r) => {
    // The "other" row (routers beyond --max-series) has no hostname.
    const key = r.other ? '' : 'h:' + r.hostname;
    if (!routers.has(key)) {
      routers.set(key, { hostname: r.hostname, other: !!r.other, in: null, out: null, bytes: 0 });
    }
    return routers.get(key);
  };
  received.forEach((r) => { const v = of(r); v.in = r.bits_per_second; v.bytes += r.bytes; });
  sent.forEach((r) => { const v = of(r); v.out = r.bits_per_second; v.bytes += r.bytes; });
  const rate = (v) => (v.in || 0) + (v.out || 0);
  return [...routers.values()]
    .sort((a, b) => rate(b) - rate(a) || b.bytes - a.bytes || String(a.hostname).localeCompare(String(b.hostname)))
    .slice(0, ROUTERS_SHOWN);
}

// ---- The world map ----

function mapDirection() {
  return document.querySelector('input[name="map-dir"]:checked').value;
}

/**
 * The shade of the least traffic: traffic uses LEAST_SHADE to 1 of shade's range, so that the least
 * of it stands apart from the pale grey of land without traffic (console.css, --no-traffic).
 */
const LEAST_SHADE = 0.3;

/** #deebf7 to #08306b by fraction (0 to 1). */
function shade(fraction) {
  const a = [0xde, 0xeb, 0xf7];
  const b = [0x08, 0x30, 0x6b];
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * fraction));
  return 'rgb(' + c.join(',') + ')';
}

/** What shades the countries: their rates; bytes only while none has a rate yet (never both). */
function measureOf(rows) {
  return rows.some((r) => r.bits_per_second !== null) ? (r) => r.bits_per_second || 0 : (r) => r.bytes;
}

function shadeMap() {
  const all = countryRows[mapDirection()] || [];
  // The "other" row (countries beyond the ranking) is not a country: it neither sets the scale nor names it.
  const rows = all.filter((r) => !r.other);
  const byCode = new Map(rows.map((r) => [r.country, r]));
  const measure = measureOf(rows);
  const max = Math.max(1, ...rows.map(measure));
  for (const [code, path] of mapPaths) {
    const row = byCode.get(code);
    const v = row ? measure(row) : 0;
    if (row && v > 0) {
      // Log scale over three decades below the busiest, so that a tenth of it is visibly lighter;
      // anything smaller keeps the lightest shade that still says "traffic".
      path.style.fill = shade(LEAST_SHADE + (1 - LEAST_SHADE) * Math.max(0, 1 + Math.log10(v / max) / 3));
      path.classList.add('has-traffic');
      path.setAttribute('tabindex', '0');
    } else {
      path.style.fill = '';
      path.classList.remove('has-traffic');
      path.setAttribute('tabindex', '-1'); // 200-odd empty countries are not worth a Tab each
    }
    // A counted country is named as the table names it (the country database's English name);
    // the map's own name only where there is no row.
    const label = (row && row.name ? row.name : path.dataset.name) + ': ' + (row ? bits(row.bits_per_second) : 'no traffic');
    path.setAttribute('aria-label', label);
    path.firstChild.textContent = label;
  }
  const ramp = el('span', null, 'ramp');
  ramp.setAttribute('aria-hidden', 'true');
  ramp.style.background = 'linear-gradient(90deg, ' + shade(LEAST_SHADE) + ', ' + shade(1) + ')';
  const busiest = rows.length ? rows.reduce((a, b) => (measure(b) > measure(a) ? b : a)) : null;
  const none = el('span', null, 'none');
  none.setAttribute('aria-hidden', 'true');
  $('#legend').replaceChildren(none, el('span', 'no traffic'), ramp,
    el('span', busiest ? (busiest.bits_per_second === null ? count(busiest.bytes) + ' bytes' : bits(busiest.bits_per_second))
      + ' (' + (busiest.name || busiest.country)
      + '; log scale: a tenth of it a third lighter)' : 'no traffic yet'));
  fill($('#country-table tbody'), all.slice(0, 10), (r) => [
    el('td', r.other ? 'other' : r.name + ' (' + r.country + ')'), el('td', bits(r.bits_per_second), 'num'),
    el('td', count(r.bytes), 'num')]);
  writeTip();
}

/** Names tipPath's country with its rate as last shaded, or nothing when no country is pointed at. */
function writeTip() {
  say($('#map-tip'), tipPath ? tipPath.getAttribute('aria-label') : '');
}

/** The pointer or the focus reached a country: the tip names it. */
function pointAt(path) {
  tipPath = path;
  writeTip();
}

/**
 * The pointer or the focus left a country: the tip names the one the other still holds, if any
 * (the pointer resting on one country while Tab moves on, or the reverse).
 */
function leave(path, stillHeld) {
  if (tipPath === path) tipPath = stillHeld;
  writeTip();
}

/** Draws the map unless it is drawn or being drawn; a failure is shown, and the next call tries again. */
function ensureMap() {
  if (mapState !== 'none') return;
  mapState = 'drawing';
  drawMap().then(() => {
    mapState = 'drawn';
    $('#map-error').hidden = true;
  }, (e) => {
    mapState = 'none';
    say($('#map-error'), 'Could not draw the map (' + e.message + '); trying again at the next refresh.');
    $('#map-error').hidden = false;
  });
}

async function drawMap() {
  const world = await getJson('/console/world.json', 60000); // 430 KB, once
  const svg = $('#map');
  svg.replaceChildren();
  mapPaths = new Map();
  svg.setAttribute('viewBox', world.viewBox);
  // Shapes with no country code of their own (N. Cyprus, Somaliland): drawn, named, never shaded.
  for (const u of world.uncoded || []) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', u.d);
    p.setAttribute('role', 'img');
    p.setAttribute('aria-label', u.name + ': no country code of its own');
    p.appendChild(document.createElementNS(SVG, 'title')).textContent = p.getAttribute('aria-label');
    p.addEventListener('mouseenter', () => { hoveredPath = p; pointAt(p); });
    p.addEventListener('mouseleave', () => { hoveredPath = null; leave(p, focusedPath); });
    svg.appendChild(p);
  }
  for (const c of world.countries) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', c.d);
    p.setAttribute('tabindex', '-1');
    p.setAttribute('role', 'img');
    p.dataset.code = c.code;
    p.dataset.name = c.name;
    p.appendChild(document.createElementNS(SVG, 'title'));
    p.addEventListener('mouseenter', () => { hoveredPath = p; pointAt(p); });
    p.addEventListener('focus', () => { focusedPath = p; pointAt(p); });
    p.addEventListener('mouseleave', () => { hoveredPath = null; leave(p, focusedPath); });
    p.addEventListener('blur', () => { focusedPath = null; leave(p, hoveredPath); });
    svg.appendChild(p);
    mapPaths.set(c.code, p);
  }
  shadeMap();
}

// ---- Flow tap and search ----

const FILTERS = ['ip', 'net', 'port', 'proto', 'as', 'hostname', 'country', 'direction', 'limit', 'timeout'];

function flowMode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function flowRow(f) {
  const s = f.source || {};
  const d = f.destination || {};
  const n = f.network || {};
  const asText = (e) => (e.as ? e.as.number + (e.as.organization ? ' ' + e.as.organization.name : '') : '');
  // An IPv6 address with a port in brackets, as in URLs: 2001:db8::1:443 would be ambiguous.
  const endpoint = (e) => {
    const ip = e.ip || '';
    if (e.port === undefined) return ip;
    return (ip.includes(':') ? '[' + ip + ']' : ip) + ':' + e.port;
  };
  const tr = el('tr');
  [f['@timestamp'], endpoint(s), endpoint(d), n.transport, asText(s), asText(d), n.direction,
    (f.observer || {}).hostname].forEach((v) => tr.appendChild(el('td', v === undefined ? '' : v)));
  tr.appendChild(el('td', count(n.bytes), 'num'));
  tr.appendChild(el('td', count(n.packets), 'num'));
  return tr;
}

function setRunning(running) {
  const start = $('#flow-start');
  const stop = $('#flow-stop');
  // The button about to be disabled may hold the focus: hand it to the other one, not to the page.
  const moveFocus = document.activeElement === (running ? start : stop);
  start.disabled = running;
  stop.disabled = !running;
  if (moveFocus) (running ? stop : start).focus({ preventScroll: true });
}

async function runFlows(event) {
  event.preventDefault();
  const form = $('#flow-form');
  const token = $('#token').value.trim();
  const status = $('#flow-status');
  const counter = $('#flow-count');
  counter.textContent = '';
  if (!token) {
    status.textContent = 'Enter the API token first.';
    status.className = 'bad';
    $('#token').focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const mode = flowMode();
  const q = new URLSearchParams();
  for (const name of FILTERS.concat(mode === 'search' ? ['from', 'to'] : [])) {
    const v = form.elements[name].value.trim();
    if (v) q.append(name, v);
  }
  const tbody = $('#flow-table tbody');
  tbody.replaceChildren();
  status.className = '';
  status.textContent = (mode === 'tap' ? 'Tapping' : 'Searching') + '…';
  flowAbort = new AbortController();
  setRunning(true);
  let flows = 0;
  try {
    const r = await fetch('/api/v1/flows/' + mode + '?' + q, {
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/x-ndjson' },
      signal: flowAbort.signal,
    });
    if (!r.ok) {
      let why = 'HTTP ' + r.status;
      try {
        const body = await r.json();
        const err = body.error || {};
        // The message names the parameter itself ("port: '99999' is not a port 0..65535").
        why += ': ' + (err.message || JSON.stringify(body));
      } catch (e) { /* not JSON */ }
      if (r.status === 404) why += ' (the flow API is off on this instance)';
      // 403: this token is not one of the API's; a 401 with a token may be a token file being fixed.
      if (r.status === 403) sessionStorage.removeItem(TOKEN_KEY);
      status.textContent = why;
      status.className = 'bad';
      return;
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        if (!status.dataset.reason) {
          // Every answer ends with its end line; without it the exporter or a proxy cut it short.
          status.textContent = 'The answer ended without its end line after ' + flows
            + ' flows: it may be incomplete (the exporter\'s log may say why).';
          status.className = 'bad';
        }
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const doc = JSON.parse(line);
        if (doc.end) {
          const e = doc.end;
          status.textContent = 'Ended: ' + e.reason + ' (' + e.flows + ' flows, ' + e.scanned + ' records scanned, '
            + e.ms + ' ms)' + (e.flows > MAX_ROWS ? '; the table shows the first ' + MAX_ROWS
            + ', the API itself gives them all' : '') + '.';
          status.dataset.reason = e.reason;
          if (e.reason === 'error') {
            // Kafka refused the scan midway: the rows above may be only part of the answer, so it
            // is shown as a failure, like a refused request, not as a normal end.
            status.textContent += ' The exporter could not finish the scan (Kafka refused it); its log says why.';
            status.className = 'bad';
          }
          counter.textContent = ''; // the end line has the count
        } else {
          flows++;
          if (flows <= MAX_ROWS) tbody.appendChild(flowRow(doc));
          if (!status.dataset.reason) {
            // Beside the live region, not in it: announcing every flow would drown everything else.
            counter.textContent = flows + ' flows so far…'
              + (flows > MAX_ROWS ? ' (the table shows the first ' + MAX_ROWS + ')' : '');
          }
        }
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      status.textContent = 'Stopped (client) after ' + flows + ' flows.';
      status.dataset.reason = 'client';
    } else if (e instanceof SyntaxError) {
      flowAbort.abort(); // the scan on the exporter stops too
      status.textContent = 'A line of the answer was not JSON after ' + flows + ' flows (' + e.message
        + '); the scan was stopped.';
      status.className = 'bad';
    } else {
      status.textContent = 'The connection to the exporter was lost after ' + flows
        + ' flows (it stopped, or the network failed): ' + e.message;
      status.className = 'bad';
    }
  } finally {
    counter.textContent = ''; // every end line (ended, stopped, lost) has the count
    setRunning(false);
    flowAbort = null;
  }
}

function showSearchFields() {
  const search = flowMode() === 'search';
  document.querySelectorAll('.search-only').forEach((e) => { e.hidden = !search; });
}

/**
 * Reads what this instance serves (families, flow API) and shows the parts of the page that go with
 * it. Asked again at each refresh until it is read: a page loaded while its instance restarts (a
 * rolling upgrade) would otherwise hide the map, the ports and the flow form until reloaded.
 */
async function readInfo() {
  const unread = $('#info-unread');
  try {
    info = await getJson('/api/v1/console');
    infoRead = true;
    unread.hidden = true;
  } catch (e) {
    say(unread, 'Could not read /api/v1/console (' + e.message + '): the map, the ports and the flow'
      + ' form show once it answers.');
    if (infoRead) infoDue = true; // read before: ask again at the next good refresh
    unread.hidden = false;
    return;
  }
  $('#ports').hidden = !info.families.includes('port');
  const countries = info.families.includes('country');
  $('#map-off').hidden = countries;
  $('#map-on').hidden = !countries;
  $('#flows-off').hidden = info.flow_api;
  for (const id of ['#flow-form', '#flow-line', '#flow-scroll']) $(id).hidden = !info.flow_api;
  if (countries) ensureMap();
}

async function start() {
  // Hidden until the instance says what it serves.
  for (const id of ['#flow-form', '#flow-line', '#flow-scroll', '#flows-off']) $(id).hidden = true;
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) $('#token').value = saved;
  document.querySelectorAll('input[name="map-dir"]').forEach((r) => r.addEventListener('change', shadeMap));
  document.querySelectorAll('input[name="mode"]').forEach((r) => r.addEventListener('change', showSearchFields));
  showSearchFields();
  $('#flow-form').addEventListener('submit', (e) => {
    delete $('#flow-status').dataset.reason;
    runFlows(e);
  });
  $('#flow-stop').addEventListener('click', () => flowAbort && flowAbort.abort());
  $('#flow-start').disabled = false; // only now that submitting runs the script, never the browser's own GET
  await readInfo();
  // Each refresh is planned when the last one ended, never on a fixed beat: on a slow exporter or
  // network a refresh may outlast the interval, and two at once could draw their answers out of order.
  // The interval is the instance's, read anew with /api/v1/console (after a restart, say).
  const period = () => Math.max(2, info.interval_seconds || 5) * 1000;
  const loop = async () => {
    try {
      answerWithinMs = 2 * period();
      if (!infoRead) await readInfo();
      await refresh();
    } finally {
      setTimeout(loop, period());
    }
  };
  await loop();
}

document.addEventListener('DOMContentLoaded', start);
