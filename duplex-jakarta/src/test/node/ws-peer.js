'use strict';
// Node's ws library driving the Jakarta sample endpoints (src/test/java/.../samples) the way a
// real client would. Usage: node ws-peer.js ws://127.0.0.1:PORT
// Prints one line per scenario, "<name>\t<JSON array of what was observed>", and exits 0; the Java
// test (NodeWsPeerTest) compares each line with what the endpoints must answer.
const WebSocket = require('ws');
const checks = require('./checksum');

const base = process.argv[2];

/** An open socket whose messages are read in order with next(). */
function open(path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path);
    const queue = [];
    const waiting = [];
    ws.on('message', (data, isBinary) => {
      const m = isBinary ? { binary: data.length } : data.toString('utf8');
      if (waiting.length) waiting.shift()(m);
      else queue.push(m);
    });
    ws.next = () =>
      new Promise((res, rej) => {
        if (queue.length) return res(queue.shift());
        const timer = setTimeout(() => rej(new Error(`no message on ${path} within 10 s`)), 10000);
        waiting.push((m) => {
          clearTimeout(timer);
          res(m);
        });
      });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws) {
  return new Promise((resolve) => {
    ws.once('close', (code) => resolve(code));
    ws.close(1000, 'done');
  });
}

/** Chat with encoders/decoders and the room as a path parameter (ChatEndpoint). */
async function chat() {
  const alice = await open('/chat/kitchen');
  const bob = await open('/chat/kitchen');
  const carol = await open('/chat/garden');
  const seen = [await alice.next(), await bob.next(), await carol.next()];
  alice.send('alice|hi from node');
  seen.push(await alice.next(), await bob.next());
  carol.send('carol|only the garden');
  seen.push(await carol.next());
  alice.send('|nobody'); // the decoder throws: @OnError answers, the session stays open
  seen.push(await alice.next());
  alice.send('alice|still here');
  seen.push(await alice.next(), await bob.next()); // not carol's line: rooms are apart
  await Promise.all([alice, bob, carol].map(closed));
  return seen;
}

/** Reader and InputStream handlers, fed fragmented messages (StreamEndpoint). */
async function stream() {
  const ws = await open('/stream');
  const text = checks.text(100000);
  const parts = [text.slice(0, 1), text.slice(1, 40000), text.slice(40000)];
  parts.forEach((p, i) => ws.send(p, { binary: false, fin: i === parts.length - 1, compress: false }));
  const binary = checks.binary(300000);
  const chunks = [binary.subarray(0, 100000), binary.subarray(100000, 200000), binary.subarray(200000)];
  chunks.forEach((c, i) => ws.send(c, { binary: true, fin: i === chunks.length - 1, compress: false }));
  const seen = [await ws.next(), await ws.next()];
  seen.push(`expected ${checks.describe('text', text)} ${checks.describe('binary', binary)}`);
  await closed(ws);
  return seen;
}

/** The endpoint pings, ws answers with a pong; an unsolicited pong arrives too (HeartbeatEndpoint). */
async function pong() {
  const ws = await open('/heartbeat');
  ws.send('ping p1');
  const seen = [await ws.next()];
  ws.pong('hb');
  seen.push(await ws.next());
  await closed(ws);
  return seen;
}

/** The spec's echo (EchoEndpoint): the return value is the answer, text and binary. */
async function echo() {
  const ws = await open('/echo');
  ws.send('héllo wörld');
  const seen = [await ws.next()];
  ws.send(checks.binary(1000));
  seen.push(await ws.next());
  seen.push(await closed(ws));
  return seen;
}

async function main() {
  for (const [name, scenario] of Object.entries({ chat, stream, pong, echo })) {
    let seen;
    try {
      seen = await scenario();
    } catch (e) {
      seen = [`failed: ${e.message}`];
    }
    process.stdout.write(`${name}\t${JSON.stringify(seen)}\n`);
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write('ws-peer.js: timed out after 60 s\n');
  process.exit(2);
}, 60000);
main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`ws-peer.js: ${(e && e.stack) || e}\n`);
    process.exit(1);
  },
);
