// taskpipe's dashboard: reads /dashboard/events (server-sent events, through fetch so that an API key can
// go in a header), keeps the last five minutes of each type's seconds, and draws them with uPlot.
'use strict';

const WINDOW_SECONDS = 300;
const SHOWN_FAILURES = 50;
const $ = id => document.getElementById(id);
const model = { types: new Map(), failures: [], key: sessionStorage.getItem('taskpipe-key') };
const charts = {};

function authorization() {
  return model.key ? { Authorization: 'Bearer ' + model.key } : {};
}

async function stream() {
  try {
    const response = await fetch('/dashboard/events', { headers: { ...authorization(), Accept: 'text/event-stream' } });
    if (response.status === 401 || response.status === 403) {
      askForKey(response.status === 401 ? 'an API key with the role read' : 'this key lacks the role read');
      return;
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    model.types.clear(); // a stream starts with everything
    model.failures = [];
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + value).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').filter(line => line.startsWith('data:'))
          .map(line => line.slice(5).trimStart()).join('\n');
        buffer = buffer.slice(end + 2);
        if (data) update(JSON.parse(data));
      }
    }
  } catch (e) {
    // the connection dropped: try again below
  }
  connection(false, 'reconnecting…');
  setTimeout(stream, 2000);
}

function askForKey(why) {
  connection(false, why);
  $('key-form').hidden = false;
}

$('key-form').addEventListener('submit', event => {
  event.preventDefault();
  model.key = $('key').value.trim();
  sessionStorage.setItem('taskpipe-key', model.key);
  $('key-form').hidden = true;
  stream();
});

function connection(live, text) {
  $('connection').className = 'status ' + (live ? 'live' : 'down');
  $('connection').textContent = text;
}

function update(state) {
  connection(true, 'live · ' + new Date(state.at).toLocaleTimeString());
  $('process').textContent = 'dispatcher ' + state.process;
  totals(state);
  rows('lanes', state.lanes, lane => [lane.lane, lane.processes, lane.slots, lane.running, lane.queued,
    lane.oldestUnfinishedSeconds + ' s', lane.perSecond]);
  rows('processes', state.processes, p => [p.role, p.host, p.pid, p.lane, p.slots, busy(p), p.queued,
    p.tasksPerSecond.toFixed(1), p.finished, seenAgo(state.at, p)], p => p.lost ? 'lost' : '');
  rows('lag', state.lag, l => [l.group, l.topic, l.partition, l.committed < 0 ? '–' : l.committed, l.end, l.lag]);
  for (const series of state.types) {
    const known = model.types.get(series.name) || { points: [] };
    known.points = known.points.concat(series.points).slice(-WINDOW_SECONDS);
    model.types.set(series.name, { ...series, points: known.points });
  }
  model.failures = model.failures.concat(state.failures).slice(-200);
  types();
  failures();
}

function totals(state) {
  const t = state.totals;
  const results = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED'].reduce((sum, s) => sum + (t[s] || 0), 0);
  const perSecond = state.laneSeries.reduce((sum, lane) => sum + lane.lastSecond, 0);
  $('totals').innerHTML = [['results', results], ['succeeded', t.SUCCEEDED], ['failed', t.FAILED, true],
    ['timed out', t.TIMED_OUT, true], ['rejected', t.REJECTED, true], ['dead letters', t.DEAD_LETTER, true],
    ['results/s', perSecond]]
    .map(([name, value, bad]) => `<div class="tile${bad && value ? ' bad' : ''}" data-total="${name}">${name}<b>${value}</b></div>`)
    .join('');
}

function types() {
  const names = [...model.types.keys()];
  const select = $('latency-type');
  if (select.options.length !== names.length) {
    const chosen = select.value;
    select.innerHTML = names.map(n => `<option>${escape(n)}</option>`).join('');
    const busiest = names.reduce((best, n) => !best || model.types.get(n).total > model.types.get(best).total ? n : best, '');
    select.value = names.includes(chosen) ? chosen : busiest;
  }
  const seconds = axis();
  chart('throughput-chart', 'results per second', names,
    [seconds, ...names.map(n => values(n, seconds, p => p.count))]);
  const type = select.value;
  chart('latency-chart', 'ms', ['end to end p50', 'end to end p99', 'queue wait p50', 'queue wait p99', 'service p50', 'service p99'],
    [seconds, ...['endToEndP50', 'endToEndP99', 'queueWaitP50', 'queueWaitP99', 'serviceP50', 'serviceP99']
      .map(field => values(type, seconds, p => p[field]))], type);
  rows('types', [...model.types.values()], t => {
    const last = [...t.points].reverse().find(p => p.count > 0) || {};
    return [t.name, t.lane, t.total, t.failed, t.lastSecond, pair(last.endToEndP50, last.endToEndP99),
      pair(last.queueWaitP50, last.queueWaitP99), pair(last.serviceP50, last.serviceP99)];
  });
}

// the seconds of the charts: from the first second any type has (at most five minutes back) to the last
function axis() {
  let first = Infinity;
  let last = 0;
  for (const t of model.types.values()) {
    if (t.points.length) {
      first = Math.min(first, t.points[0].second);
      last = Math.max(last, t.points[t.points.length - 1].second);
    }
  }
  const seconds = [];
  for (let s = Math.max(first, last - WINDOW_SECONDS + 1); last && s <= last; s++) seconds.push(s);
  return seconds;
}

function values(type, seconds, pick) {
  const bySecond = new Map(((model.types.get(type) || {}).points || []).map(p => [p.second, p]));
  return seconds.map(s => bySecond.has(s) ? pick(bySecond.get(s)) : null);
}

const COLORS = ['#4b7bec', '#e5484d', '#f0a030', '#3ad07a', '#8e5cd9', '#1fb5c9', '#d9559b', '#8a94a6', '#6b8e23', '#b8860b'];

function chart(id, unit, names, data, title) {
  const element = $(id);
  const key = names.join('|') + '|' + (title || '');
  if (!charts[id] || charts[id].key !== key) {
    if (charts[id]) charts[id].plot.destroy();
    const options = {
      width: Math.max(400, element.parentElement.clientWidth - 40), height: 220, title: title || '',
      scales: { x: { time: true } },
      axes: [{}, { label: unit, size: 60 }],
      series: [{}, ...names.map((name, i) => ({ label: name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
    };
    charts[id] = { key, plot: new uPlot(options, data, element) };
  } else {
    charts[id].plot.setData(data);
  }
}

function failures() {
  const statuses = new Set(model.failures.map(f => f.status));
  const types = new Set(model.failures.map(f => f.type).filter(Boolean));
  options('failure-status', statuses);
  options('failure-type', types);
  const status = $('failure-status').value;
  const type = $('failure-type').value;
  const shown = model.failures.filter(f => (!status || f.status === status) && (!type || f.type === type)).reverse();
  $('failure-count').textContent = shown.length > SHOWN_FAILURES ? `newest ${SHOWN_FAILURES} of ${shown.length}` : '';
  rows('failures', shown.slice(0, SHOWN_FAILURES), f => [
    new Date(f.at).toLocaleTimeString(), f.status, f.code || '', f.taskId ? { task: f.taskId } : '', f.type || '', f.lane || '',
    f.attempt || '', { reason: f.reason || '' }, f.where || '']);
}

function options(id, values) {
  const select = $(id);
  const present = new Set([...select.options].map(o => o.value));
  [...values].filter(v => !present.has(v)).forEach(v => select.add(new Option(v, v)));
}
['failure-status', 'failure-type'].forEach(id => $(id).addEventListener('change', failures));
$('latency-type').addEventListener('change', types);

function rows(id, items, cells, rowClass) {
  $(id).tBodies[0].innerHTML = items.map(item => `<tr class="${rowClass ? rowClass(item) : ''}">`
    + cells(item).map(cell).join('') + '</tr>').join('');
}

// a cell is text, or {task}: a task id that opens the lookup, {reason}: text that may wrap, {html}: markup made here
function cell(value) {
  if (value === null || typeof value !== 'object') return `<td>${escape(value)}</td>`;
  if (value.task !== undefined) return `<td><a data-task="${escape(value.task)}">${escape(value.task)}</a></td>`;
  if (value.reason !== undefined) return `<td class="reason">${escape(value.reason)}</td>`;
  return `<td>${value.html}</td>`;
}

function busy(p) {
  const share = p.slots ? Math.min(1, p.running / p.slots) : 0;
  return { html: `<span class="busy"><i style="width:${(share * 100).toFixed(0)}%"></i></span>${p.running}` };
}

function seenAgo(now, p) {
  return p.lost ? 'lost' : ((now - Date.parse(p.lastSeen)) / 1000).toFixed(1) + ' s ago';
}

function pair(p50, p99) {
  return ms(p50) + ' / ' + ms(p99);
}

function ms(value) {
  if (value === null || value === undefined) return '–';
  return value < 10 ? value.toFixed(2) + ' ms' : value < 10000 ? value.toFixed(0) + ' ms' : (value / 1000).toFixed(1) + ' s';
}

function escape(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// Task lookup: GET /tasks/{id} with the same key
$('failures').addEventListener('click', event => {
  const id = event.target.dataset && event.target.dataset.task;
  if (id) {
    $('lookup-id').value = id;
    lookup(id);
  }
});
$('lookup-form').addEventListener('submit', event => {
  event.preventDefault();
  lookup($('lookup-id').value.trim());
});

async function lookup(id) {
  const target = $('lookup');
  if (!id) return;
  const response = await fetch('/tasks/' + encodeURIComponent(id), { headers: authorization() });
  if (response.status === 202 || response.status === 404) {
    target.innerHTML = `<p>No result for <b>${escape(id)}</b> yet (or it is not yours to read).</p>`;
    return;
  }
  if (!response.ok) {
    target.innerHTML = `<p>Lookup failed: HTTP ${response.status}</p>`;
    return;
  }
  target.innerHTML = story(await response.json());
}

function story(r) {
  const t = r.timing || {};
  const intake = t.createdAt && t.enqueuedAt ? Date.parse(t.enqueuedAt) - Date.parse(t.createdAt) : 0;
  const parts = [['intake', 'to its lane', Math.max(0, intake)], ['wait', 'queue wait', Math.max(0, t.queueWaitMs || 0)],
    ['service', 'service', t.serviceMs || 0]];
  const total = parts.reduce((sum, p) => sum + p[2], 0) || 1;
  const bar = parts.map(([kind, name, value]) =>
    `<div class="${kind}" style="flex:${value / total}" title="${name} ${ms(value)}">${name} ${ms(value)}</div>`).join('');
  const w = r.worker || {};
  const o = r.ordering || {};
  const routing = r.routing ? `${r.routing.chosen} (${r.routing.reason}, declared ${r.routing.declared})` : '–';
  return `<dl id="lookup-result" data-task="${escape(r.taskId)}">
    <dt>task</dt><dd>${escape(r.taskId)} · ${escape(r.type)} · key ${escape(r.key)}</dd>
    <dt>status</dt><dd data-status="${escape(r.status)}">${escape(r.status)}${r.error ? ' · ' + escape(r.error.code) + ': ' + escape(r.error.message) : ''}</dd>
    <dt>lane</dt><dd>${escape(r.lane)} · attempt ${escape(r.attempt)} · routed ${escape(routing)}</dd>
    <dt>worker</dt><dd>${escape(w.host)} pid ${escape(w.pid)} · ${escape(w.thread)}${w.virtual ? ' (virtual)' : ''}</dd>
    <dt>ordering</dt><dd>${escape(o.mode)} · previous seq ${escape(o.previousSeq ?? '–')} · ${o.inOrder ? 'in order' : 'OUT OF ORDER'}</dd>
    <dt>end to end</dt><dd>${ms(t.endToEndMs)}${t.cpuMs != null ? ' · CPU ' + ms(t.cpuMs) : ''}</dd>
  </dl><div class="bar">${bar}</div>`;
}

stream();
