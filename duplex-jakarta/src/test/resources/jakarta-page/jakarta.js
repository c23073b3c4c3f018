'use strict';
// Runs in Chromium: drives the Jakarta sample endpoints on the server that served this page,
// writes {"scenario": [observed...]} into #results and sets body[data-state=done]
// (read by src/test/node/chromium-page.js for ChromiumPeerTest). Same scenarios as ws-peer.js,
// within what the browser API can do (no fragments, no unsolicited pongs: it answers pings).
const base = `ws://${location.host}`;
const MOD = 1000000007;

function open(path, binaryType) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path);
    ws.binaryType = binaryType || 'arraybuffer';
    const queue = [];
    const waiting = [];
    ws.onmessage = (e) => {
      const m = typeof e.data === 'string' ? e.data : { binary: e.data.byteLength };
      if (waiting.length) waiting.shift()(m);
      else queue.push(m);
    };
    ws.next = () =>
      new Promise((res, rej) => {
        if (queue.length) return res(queue.shift());
        const timer = setTimeout(() => rej(new Error(`no message on ${path} within 10 s`)), 10000);
        waiting.push((m) => {
          clearTimeout(timer);
          res(m);
        });
      });
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`cannot open ${path}`));
  });
}

function closed(ws) {
  return new Promise((resolve) => {
    ws.onclose = (e) => resolve(e.code);
    ws.close(1000, 'done');
  });
}

function text(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + ((i * 7) % 95));
  return s;
}

function binary(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function describe(kind, data) {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    sum = (sum + (typeof data === 'string' ? data.charCodeAt(i) : data[i])) % MOD;
  }
  return `${kind} ${data.length} ${sum}`;
}

async function chat() {
  const alice = await open('/chat/kitchen');
  const bob = await open('/chat/kitchen');
  const carol = await open('/chat/garden');
  const seen = [await alice.next(), await bob.next(), await carol.next()];
  alice.send('alice|hi from chromium');
  seen.push(await alice.next(), await bob.next());
  carol.send('carol|only the garden');
  seen.push(await carol.next());
  alice.send('|nobody');
  seen.push(await alice.next());
  alice.send('alice|still here');
  seen.push(await alice.next(), await bob.next());
  await Promise.all([alice, bob, carol].map(closed));
  return seen;
}

async function stream() {
  const ws = await open('/stream');
  const t = text(100000);
  const b = binary(300000);
  ws.send(t);
  ws.send(b);
  const seen = [await ws.next(), await ws.next()];
  seen.push(`expected ${describe('text', t)} ${describe('binary', b)}`);
  await closed(ws);
  return seen;
}

async function pong() {
  const ws = await open('/heartbeat');
  ws.send('ping p1'); // the browser answers the endpoint's ping with a pong on its own
  const seen = [await ws.next()];
  await closed(ws);
  return seen;
}

async function echo() {
  const ws = await open('/echo');
  ws.send('héllo wörld');
  const seen = [await ws.next()];
  ws.send(binary(1000));
  seen.push(await ws.next());
  seen.push(await closed(ws));
  return seen;
}

(async () => {
  const results = {};
  for (const [name, scenario] of Object.entries({ chat, stream, pong, echo })) {
    try {
      results[name] = await scenario();
    } catch (e) {
      results[name] = [`failed: ${e.message}`];
    }
  }
  document.getElementById('results').textContent = JSON.stringify(results);
  document.body.dataset.state = 'done';
})();
