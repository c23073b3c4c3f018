// A saturating Socket.IO load driver for socketio-bench.sh: it speaks Engine.IO v4 / Socket.IO v5
// packets itself (over the `ws` client and Node's keep-alive HTTP agent) instead of going through
// socket.io-client, so one driver process costs a fraction of the server's work per event and the
// cell measures the server, not the driver (driver.js keeps one event in flight per client through
// socket.io-client, and is itself the limit at about the same rate for either server).
//
// Usage: node raw-driver.js <url> <cell> [clients] [inFlight] [seconds] [warmup]
//   cell raw-echo-websocket: each client keeps <inFlight> `echo` events with acks in flight over
//        WebSocket; round trips/s (acks received and checked) in the measured window.
//   cell raw-echo-polling: each client keeps a long-poll GET outstanding and POSTs <inFlight>
//        events per request (one Engine.IO payload), the next POST when their acks came back;
//        round trips/s and HTTP requests/s, over two kept-alive connections per client (POSTs,
//        polls), as browsers keep them.
// Every ack is checked: its id must be one in flight and its arguments the ones sent
// (Socket.IO v5 ACK packet `3<id>[args]` after Engine.IO's `4` MESSAGE type), and timed from its
// event's send (p50/p99/max in µs). Prints one JSON line.
"use strict";
const net = require("node:net");
const WebSocket = require("ws");

const [, , base, cell, clientsArg = "50", inFlightArg = "16", secondsArg = "5", warmArg = "2"] = process.argv;
const clients = Number(clientsArg);
const inFlight = Number(inFlightArg);
const seconds = Number(secondsArg);
const warmup = Number(warmArg);
const url = new URL(base);
const PAYLOAD = JSON.stringify({ text: "x".repeat(64), n: 1 });
const ACK_ARGS = "[" + PAYLOAD + "]";
const SEP = "\x1e"; // Engine.IO v4 payload separator (polling)

let measuring = false;
let roundTrips = 0;
let requests = 0;
let bad = 0;
let stopped = false;
const latencies = []; // µs, the first MAX_SAMPLES round trips of the measured window
const MAX_SAMPLES = 2_000_000;

function fail(msg) {
  console.log(JSON.stringify({ cell, error: msg }));
  process.exit(1);
}

// One Socket.IO client's ack bookkeeping: ids in flight, each answered once with ACK_ARGS.
class Acks {
  constructor() {
    this.next = 1;
    this.pending = new Map(); // id → send time (ns)
  }
  event() {
    const id = this.next++;
    this.pending.set(id, process.hrtime.bigint());
    return "42" + id + '["echo",' + PAYLOAD + "]";
  }
  // Handles one Engine.IO packet; returns true when it was an ack we were waiting for.
  answer(packet) {
    if (!packet.startsWith("43")) return false;
    let i = 2;
    while (i < packet.length && packet.charCodeAt(i) >= 48 && packet.charCodeAt(i) <= 57) i++;
    const id = Number(packet.slice(2, i));
    const sent = this.pending.get(id);
    if (sent === undefined || packet.slice(i) !== ACK_ARGS) {
      bad++;
      return false;
    }
    this.pending.delete(id);
    if (measuring) {
      roundTrips++;
      if (latencies.length < MAX_SAMPLES) latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
    }
    return true;
  }
}

function wsClient() {
  return new Promise((resolve, reject) => {
    const target = `ws://${url.host}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(target, { perMessageDeflate: false });
    const acks = new Acks();
    let open = false;
    ws.on("error", (e) => (open ? fail(String(e)) : reject(e)));
    ws.on("close", () => {
      if (!stopped) fail("websocket closed by the server");
    });
    ws.on("message", (data) => {
      const p = data.toString();
      if (p === "2") return ws.send("3"); // Engine.IO ping from the server: pong
      if (p.startsWith("0")) return ws.send("40"); // OPEN: connect the main namespace
      if (p.startsWith("40")) {
        open = true;
        return resolve({
          start() {
            for (let i = 0; i < inFlight; i++) ws.send(acks.event());
          },
          close: () => ws.close(),
        });
      }
      if (acks.answer(p) && !stopped) ws.send(acks.event());
    });
  });
}

// HTTP/1.1 over one kept-alive TCP connection, one request at a time, answers read by
// Content-Length: a few string operations per request, so the driver is not the limit (Node's
// http client costs about as much per request as a polling server does).
class HttpConnection {
  constructor() {
    this.socket = net.connect({ host: url.hostname, port: Number(url.port) });
    this.socket.setNoDelay(true);
    this.socket.setEncoding("latin1"); // bytes as chars: lengths count bytes; payloads are ASCII
    this.buffer = "";
    this.waiting = null;
    this.socket.on("data", (chunk) => this.onData(chunk));
    this.socket.on("error", (e) => this.waiting && this.waiting.reject(e));
    this.socket.on("close", () => this.waiting && this.waiting.reject(new Error("connection closed")));
  }
  request(method, query, body) {
    if (this.waiting) throw new Error("one request at a time per connection");
    const path = "/socket.io/?EIO=4&transport=polling" + query;
    const head =
      method + " " + path + " HTTP/1.1\r\nHost: " + url.host +
      (body === undefined
        ? "\r\n\r\n"
        : "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + Buffer.byteLength(body) + "\r\n\r\n" + body);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, method };
      this.socket.write(head, "latin1");
    });
  }
  onData(chunk) {
    this.buffer += chunk;
    if (!this.waiting) return;
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.buffer.slice(0, end);
    const m = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!m) return this.finish(new Error("no Content-Length in " + head));
    const length = Number(m[1]);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.slice(end + 4, end + 4 + length);
    this.buffer = this.buffer.slice(end + 4 + length);
    const status = Number(head.slice(9, 12));
    if (measuring) requests++;
    this.finish(status === 200 ? null : new Error(this.waiting.method + " " + status + " " + body), body);
  }
  finish(error, body) {
    const w = this.waiting;
    this.waiting = null;
    if (error) w.reject(error);
    else w.resolve(Buffer.from(body, "latin1").toString("utf8"));
  }
  close() {
    this.socket.destroy();
  }
}

async function pollingClient() {
  const sender = new HttpConnection(); // the POSTs
  const poller = new HttpConnection(); // the long-poll GETs, one outstanding at a time
  const open = await poller.request("GET", "");
  if (!open.startsWith("0")) fail("unexpected open packet " + open);
  const sid = JSON.parse(open.slice(1)).sid;
  const q = "&sid=" + encodeURIComponent(sid);
  const acks = new Acks();
  let waiting = 0; // acks of the current POST still to come
  let pongDue = false; // one POST at a time per session (Engine.IO): the pong rides the next one
  await sender.request("POST", q, "40");
  const connected = await poller.request("GET", q);
  if (!connected.startsWith("40")) fail("unexpected connect answer " + connected);
  // The next POST goes when the last one was answered ("ok") and all its acks came back (on
  // the poll, usually before the POST's own answer).
  let posting = false;
  const post = () => {
    const packets = pongDue ? ["3"] : [];
    pongDue = false;
    for (let i = 0; i < inFlight; i++) packets.push(acks.event());
    waiting = inFlight;
    posting = true;
    sender
      .request("POST", q, packets.join(SEP))
      .then(() => {
        posting = false;
        if (waiting === 0 && !stopped) post();
      })
      .catch((e) => stopped || fail(String(e)));
  };
  // The long poll: always one GET outstanding; each answer may carry several packets.
  const poll = async () => {
    while (!stopped) {
      const body = await poller.request("GET", q);
      for (const p of body.split(SEP)) {
        if (p === "2") pongDue = true;
        else if (acks.answer(p) && --waiting === 0 && !posting && !stopped) post();
      }
    }
  };
  return {
    start() {
      poll().catch((e) => stopped || fail(String(e)));
      post();
    },
    close: async () => {
      if (!posting) await sender.request("POST", q, "1").catch(() => {}); // Engine.IO CLOSE
      sender.close();
      poller.close();
    },
  };
}

async function connectAll(make) {
  const out = [];
  for (let i = 0; i < clients; i += 50) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(50, clients - i) }, make))));
  }
  return out;
}

(async () => {
  const make = cell === "raw-echo-websocket" ? wsClient : cell === "raw-echo-polling" ? pollingClient : null;
  if (!make) fail("unknown cell " + cell);
  const all = await connectAll(make);
  all.forEach((c) => c.start());
  await new Promise((r) => setTimeout(r, warmup * 1000));
  measuring = true;
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  stopped = true;
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]) : null);
  const out = {
    cell,
    clients,
    in_flight: inFlight,
    per_s: roundTrips / elapsed,
    p50_us: at(0.5),
    p99_us: at(0.99),
    max_us: at(1),
    bad_acks: bad,
  };
  if (cell === "raw-echo-polling") out.requests_per_s = requests / elapsed;
  console.log(JSON.stringify(out));
  await Promise.all(all.map((c) => c.close()));
  process.exit(bad === 0 ? 0 : 1);
})().catch((e) => fail(String(e && e.stack ? e.stack : e)));
