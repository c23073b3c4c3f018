'use strict';
// Node `ws` echo server for the Duplex client. Usage: node ws-echo-server.js [--tls <cert> <key>]
// Listens on 127.0.0.1, port 0; prints {"event":"listening","port":N} and then one JSON line per
// event (open, message, ping, pong, close, error) tagged with the connection's ?id= query value.
// Paths: /echo echoes; /close closes with 4001 on "close-me"; /ping pings "srv-ping" on open and
// answers its pong with "pong:srv-ping". "send-fragmented" / "send-fragmented-binary" on any path
// make the server send a fragmented message instead of echoing.
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const { WebSocketServer } = require('ws');
const P = require('./payload');

const args = process.argv.slice(2);
const tls = args.indexOf('--tls');
const server =
  tls >= 0
    ? https.createServer({ cert: fs.readFileSync(args[tls + 1]), key: fs.readFileSync(args[tls + 2]) })
    : http.createServer();

const wss = new WebSocketServer({
  server,
  maxPayload: 1 << 20, // the same limit as Duplex and Python websockets
  perMessageDeflate: true, // negotiated only when the client offers it
  handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false),
});

wss.on('connection', (ws, request) => {
  const url = new URL(request.url, 'http://peer');
  const id = url.searchParams.get('id');
  const path = url.pathname;
  const log = (event) => P.emit({ id, ...event });
  log({ event: 'open', path, protocol: ws.protocol, extensions: ws.extensions });
  ws.on('message', (data, isBinary) => {
    log({ event: 'message', ...P.describe(data, isBinary) });
    const text = isBinary ? null : data.toString();
    if (path === '/close' && text === 'close-me') {
      ws.close(4001, 'bye from server');
    } else if (text === 'send-fragmented') {
      ws.send(P.FRAGMENTS_TEXT[0], { fin: false });
      ws.send(P.FRAGMENTS_TEXT[1], { fin: false });
      ws.send(P.FRAGMENTS_TEXT[2], { fin: true });
    } else if (text === 'send-fragmented-binary') {
      const parts = P.binaryFragments();
      ws.send(parts[0], { binary: true, fin: false });
      ws.send(parts[1], { binary: true, fin: false });
      ws.send(parts[2], { binary: true, fin: true });
    } else {
      ws.send(data, { binary: isBinary });
    }
  });
  ws.on('ping', (data) => log({ event: 'ping', data: data.toString() }));
  ws.on('pong', (data) => {
    log({ event: 'pong', data: data.toString() });
    if (path === '/ping') ws.send('pong:' + data.toString());
  });
  ws.on('close', (code, reason) => log({ event: 'close', code, reason: reason.toString(), clean: code !== 1006 }));
  ws.on('error', (e) => log({ event: 'error', message: e.message }));
  if (path === '/ping') ws.ping('srv-ping');
});

server.listen(0, '127.0.0.1', () => P.emit({ event: 'listening', port: server.address().port }));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
