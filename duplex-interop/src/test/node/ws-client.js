'use strict';
// Scripted Node `ws` client. Usage: node ws-client.js <url> <scenario> [--ca <pem>]
// Performs one scenario against a Duplex server, then prints one JSON report line on stdout.
const fs = require('node:fs');
const WebSocket = require('ws');
const P = require('./payload');

const [url, scenario, ...rest] = process.argv.slice(2);
const options = { handshakeTimeout: 10000, maxPayload: 4 << 20 };
const ca = rest.indexOf('--ca');
if (ca >= 0) options.ca = fs.readFileSync(rest[ca + 1]);
if (scenario === 'deflate-small-window') {
  // Offers only a 10-bit server window: the server honours it with Huffman-only compression.
  options.perMessageDeflate = { serverMaxWindowBits: 10 };
}
const protocols = scenario === 'subprotocol' ? ['chat', 'chat.v2'] : [];

const report = {
  peer: 'node-ws',
  scenario,
  ok: false,
  error: null,
  failures: [],
  protocol: null,
  extensions: null,
  received: [],
  pings: [],
  pongs: [],
  close: null,
};
let done = false;
const watchdog = setTimeout(() => finish('timed out after 20 s'), 20000);

const ws = new WebSocket(url, protocols, options);
const inbox = [];
let wake = null;
ws.on('message', (data, isBinary) => {
  report.received.push(P.describe(data, isBinary));
  inbox.push({ data, isBinary });
  if (wake) wake();
});
ws.on('ping', (data) => report.pings.push(data.toString()));
ws.on('pong', (data) => {
  report.pongs.push(data.toString());
  if (wake) wake();
});
const closed = new Promise((resolve) => {
  ws.on('close', (code, reason) => {
    // ws reports 1006 when the connection ended without a close handshake.
    report.close = { code, reason: reason.toString(), clean: code !== 1006 };
    resolve();
    if (wake) wake();
  });
});
ws.on('error', (e) => finish('error: ' + e.message));
ws.on('open', () => run().then(() => finish(null), (e) => finish(String((e && e.stack) || e))));

function until(condition, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) {
        wake = null;
        resolve();
      } else if (report.close) {
        wake = null;
        reject(new Error('closed while waiting for ' + what));
      }
    };
    wake = check;
    check();
  });
}

async function nextMessage() {
  await until(() => inbox.length > 0, 'a message');
  return inbox.shift();
}

function expect(condition, failure) {
  if (!condition) report.failures.push(failure);
}

async function expectEcho(sent, isBinary) {
  const got = await nextMessage();
  const buffer = Buffer.isBuffer(sent) ? sent : Buffer.from(sent, 'utf8');
  expect(got.isBinary === isBinary, 'echo has the wrong type');
  expect(Buffer.compare(got.data, buffer) === 0, 'echo differs from what was sent (' + got.data.length + ' B)');
}

async function closeNormally() {
  if (!report.close) ws.close(1000, 'done');
  await closed;
}

async function run() {
  report.protocol = ws.protocol;
  report.extensions = ws.extensions;
  const sized = /^(text|binary):(\d+)$/.exec(scenario);
  if (sized) {
    const isBinary = sized[1] === 'binary';
    const n = Number(sized[2]);
    const sent = isBinary ? P.binary(n) : P.text(n);
    ws.send(sent, { binary: isBinary });
    await expectEcho(sent, isBinary);
    return closeNormally();
  }
  switch (scenario) {
    case 'fragmented-text':
      ws.send(P.FRAGMENTS_TEXT[0], { fin: false });
      ws.send(P.FRAGMENTS_TEXT[1], { fin: false });
      ws.send(P.FRAGMENTS_TEXT[2], { fin: true });
      await expectEcho(P.FRAGMENTS_TEXT.join(''), false);
      return closeNormally();
    case 'fragmented-binary': {
      const parts = P.binaryFragments();
      ws.send(parts[0], { binary: true, fin: false });
      ws.send(parts[1], { binary: true, fin: false });
      ws.send(parts[2], { binary: true, fin: true });
      await expectEcho(Buffer.concat(parts), true);
      return closeNormally();
    }
    case 'utf8':
      ws.send(P.UTF8_SAMPLE);
      await expectEcho(P.UTF8_SAMPLE, false);
      return closeNormally();
    case 'ping':
      ws.ping('cli-ping');
      await until(() => report.pongs.length > 0, 'the pong');
      expect(report.pongs[0] === 'cli-ping', 'pong payload differs');
      return closeNormally();
    case 'server-ping': {
      const got = await nextMessage();
      expect(got.data.toString() === 'pong:srv-ping', 'server did not confirm the pong');
      expect(report.pings.includes('srv-ping'), 'the server ping was not seen');
      return closeNormally();
    }
    case 'close-from-client':
      ws.close(4001, 'bye from client');
      await closed;
      return;
    case 'close-from-server':
      ws.send('close-me');
      await closed;
      return;
    case 'subprotocol':
      ws.send('hello');
      await expectEcho('hello', false);
      return closeNormally();
    case 'tls': {
      ws.send(P.UTF8_SAMPLE);
      await expectEcho(P.UTF8_SAMPLE, false);
      const sent = P.binary(65536);
      ws.send(sent);
      await expectEcho(sent, true);
      return closeNormally();
    }
    case 'burst': {
      // Back to back, without waiting: many frames share TCP segments both ways.
      for (let i = 0; i < P.BURST; i++) ws.send(P.burst(i));
      for (let i = 0; i < P.BURST; i++) {
        const got = await nextMessage();
        if (got.data.toString() !== P.burst(i)) {
          expect(false, `echo ${i} differs or is out of order`);
          break;
        }
      }
      return closeNormally();
    }
    case 'too-big':
      ws.send(P.text(P.TOO_BIG));
      await closed;
      return;
    case 'context-takeover': {
      // The same 6000 letters twice: with context takeover the second copy compresses to a
      // reference into the first message.
      const block = P.windowTrap().slice(0, 6000);
      for (const sent of [block, block, P.COMPRESSIBLE]) {
        ws.send(sent);
        await expectEcho(sent, false);
      }
      return closeNormally();
    }
    case 'deflate':
    case 'deflate-small-window':
      ws.send(P.COMPRESSIBLE);
      await expectEcho(P.COMPRESSIBLE, false);
      ws.send(P.windowTrap());
      await expectEcho(P.windowTrap(), false);
      return closeNormally();
    default:
      throw new Error('unknown scenario ' + scenario);
  }
}

function finish(error) {
  if (done) return;
  done = true;
  clearTimeout(watchdog);
  report.error = error;
  report.ok = error === null && report.failures.length === 0;
  if (report.close === null) ws.terminate();
  P.emit(report, () => process.exit(0));
}
