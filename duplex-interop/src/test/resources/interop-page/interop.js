'use strict';
// Runs the interop scenarios with the browser's WebSocket against the server that served this
// page, writes one row per scenario into the table and all reports as JSON into #results, then
// sets <body data-state="done">. ?run=a,b picks scenarios (default: all plain ones).
// Payloads match Payload.java, payload.js and payload.py byte for byte.
const UTF8_SAMPLE = 'héllo wörld — 你好 🌍';
const SIZES = [0, 1, 125, 126, 65536, 1048576];
const TIMEOUT_MS = 10000;
const DEFAULT_SCENARIOS = [
  ...SIZES.map((n) => 'text:' + n),
  ...SIZES.map((n) => 'binary:' + n),
  'utf8',
  'server-ping',
  'close-from-client',
  'close-from-server',
  'subprotocol',
  'deflate',
  'burst',
  'too-big',
];
const BURST = 1000;
const TOO_BIG = (1 << 20) + 1;

function burst(i) {
  return i % 10 === 9 ? `burst-${i}|${textPayload(2000)}` : `burst-${i}`;
}

function textPayload(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = 32 + ((i * 7) % 95);
  return new TextDecoder().decode(bytes);
}

function windowTrap() {
  // A 6000-letter pseudo-random block twice: deflate matches reach back 6000 bytes.
  let block = '';
  let x = 1;
  for (let i = 0; i < 6000; i++) {
    x = (x * 75 + 74) % 65537;
    block += String.fromCharCode(97 + (x % 26));
  }
  return block + block;
}

function binaryPayload(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes.buffer;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function describe(data) {
  if (typeof data === 'string') {
    const bytes = new TextEncoder().encode(data);
    const m = { type: 'text', len: bytes.length, sha256: await sha256(bytes) };
    if (bytes.length <= 200) m.text = data;
    return m;
  }
  return { type: 'binary', len: data.byteLength, sha256: await sha256(data) };
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function pathFor(scenario) {
  if (scenario === 'server-ping') return '/ping';
  if (scenario === 'close-from-server') return '/close';
  return '/echo';
}

async function runScenario(scenario) {
  // The browser API shows neither pings nor pongs: null = not observable.
  const report = {
    peer: 'chromium', scenario, ok: false, error: null, failures: [], protocol: null,
    extensions: null, received: [], pings: null, pongs: null, close: null,
  };
  const expect = (condition, failure) => { if (!condition) report.failures.push(failure); };
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}${pathFor(scenario)}?id=${encodeURIComponent(scenario)}`;
  try {
    const ws = new WebSocket(url, scenario === 'subprotocol' ? ['chat', 'chat.v2'] : []);
    ws.binaryType = 'arraybuffer';
    const inbox = [];
    let wake = () => {};
    ws.onmessage = (e) => { inbox.push(e.data); wake(); };
    const closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        report.close = { code: e.code, reason: e.reason, clean: e.wasClean };
        resolve();
        wake();
      };
    });
    await withTimeout(new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('WebSocket error before open'));
    }), 'open');
    report.protocol = ws.protocol;
    report.extensions = ws.extensions;
    const next = () => withTimeout(new Promise((resolve, reject) => {
      const check = () => {
        if (inbox.length) resolve(inbox.shift());
        else if (report.close) reject(new Error('closed while waiting for a message'));
      };
      wake = check;
      check();
    }), 'a message');
    const echo = async (sent) => {
      const got = await next();
      report.received.push(await describe(got));
      if (typeof sent === 'string') expect(got === sent, 'text echo differs');
      else expect(got instanceof ArrayBuffer && sameBytes(got, sent), 'binary echo differs');
    };
    const closeNormally = async () => {
      if (!report.close) ws.close(1000, 'done');
      await withTimeout(closed, 'the close');
    };
    const sized = /^(text|binary):(\d+)$/.exec(scenario);
    if (sized) {
      const n = Number(sized[2]);
      const sent = sized[1] === 'text' ? textPayload(n) : binaryPayload(n);
      ws.send(sent);
      await echo(sent);
      await closeNormally();
    } else if (scenario === 'utf8' || scenario === 'subprotocol') {
      const sent = scenario === 'utf8' ? UTF8_SAMPLE : 'hello';
      ws.send(sent);
      await echo(sent);
      await closeNormally();
    } else if (scenario === 'server-ping') {
      // The browser answers the server's ping by itself; the server confirms the pong.
      const got = await next();
      report.received.push(await describe(got));
      expect(got === 'pong:srv-ping', 'server did not confirm the pong');
      await closeNormally();
    } else if (scenario === 'close-from-client') {
      ws.close(4001, 'bye from client');
      await withTimeout(closed, 'the close');
    } else if (scenario === 'close-from-server') {
      ws.send('close-me');
      await withTimeout(closed, 'the close');
    } else if (scenario === 'tls') {
      ws.send(UTF8_SAMPLE);
      await echo(UTF8_SAMPLE);
      const sent = binaryPayload(65536);
      ws.send(sent);
      await echo(sent);
      await closeNormally();
    } else if (scenario === 'burst') {
      // Back to back, without waiting: many frames share TCP segments both ways.
      for (let i = 0; i < BURST; i++) ws.send(burst(i));
      for (let i = 0; i < BURST; i++) {
        const got = await next();
        report.received.push(await describe(got));
        if (got !== burst(i)) {
          expect(false, `echo ${i} differs or is out of order`);
          break;
        }
      }
      await closeNormally();
    } else if (scenario === 'too-big') {
      ws.send(textPayload(TOO_BIG));
      await withTimeout(closed, 'the close');
    } else if (scenario === 'context-takeover') {
      // The same 6000 letters twice: with context takeover the second copy compresses to a
      // reference into the first message.
      const block = windowTrap().slice(0, 6000);
      for (const sent of [block, block, 'compress me '.repeat(4096)]) {
        ws.send(sent);
        await echo(sent);
      }
      await closeNormally();
    } else if (scenario === 'deflate') {
      for (const sent of ['compress me '.repeat(4096), windowTrap()]) {
        ws.send(sent);
        await echo(sent);
      }
      await closeNormally();
    } else {
      throw new Error('unknown scenario ' + scenario);
    }
  } catch (e) {
    report.error = String(e && e.message || e);
  }
  report.ok = report.error === null && report.failures.length === 0;
  return report;
}

function row(report) {
  const tr = document.createElement('tr');
  const details = report.error || report.failures.join('; ') ||
    [report.received.map((m) => `${m.type} ${m.len} B`).join(', '),
     report.protocol ? `protocol ${report.protocol}` : '',
     report.close ? `close ${report.close.code} "${report.close.reason}"${report.close.clean ? ' clean' : ''}` : '']
      .filter(Boolean).join(' · ');
  for (const [text, cls] of [[report.scenario, ''], [report.ok ? 'pass' : 'FAIL', report.ok ? 'pass' : 'fail'], [details, '']]) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }
  document.getElementById('rows').appendChild(tr);
}

(async () => {
  const chosen = new URLSearchParams(location.search).get('run');
  const scenarios = chosen ? chosen.split(',') : DEFAULT_SCENARIOS;
  const reports = [];
  for (const scenario of scenarios) {
    const report = await runScenario(scenario);
    reports.push(report);
    row(report);
  }
  const passed = reports.filter((r) => r.ok).length;
  document.getElementById('summary').textContent =
    `${passed} of ${reports.length} scenarios passed · ${location.origin} · ${navigator.userAgent}`;
  document.getElementById('results').textContent = JSON.stringify(reports);
  document.body.dataset.state = 'done';
})();
