// Scenarios of a Duplex Socket.IO deployment with the official socket.io-client (Node).
// Usage: node scenario.js cluster <urlA> <urlB>   rooms and broadcasts across two nodes on one Redis
//        node scenario.js recovery <url> <websocket|polling>   connection state recovery
//        node scenario.js acks <url>   broadcasts with acknowledgements, one client never answering
//        node scenario.js cross-acks <urlA> <urlB>   broadcasts with acknowledgements across two
//          nodes, one client on node B never answering
//        node scenario.js across <urlA> <urlB> <recover|unknown|expired|malformed>   recovery on
//          another node: connects to A, prints {"step":"ready","id","pid"}, and when its transport
//          is gone {"step":"away","reason"}; on a line from stdin it reconnects to B (for "unknown"
//          with another pid, for "malformed" with a bad offset) and reports as above; "ticks": reports
//          {"step":"back"} once reconnected, then the ticks it got when "tick-end" comes
//        node scenario.js lb-polling <balancer> <polling|default>   polling only (or the default
//          transports: polling, then an upgrade) through a round-robin balancer: the client's first
//          three failures (it never connects)
//        node scenario.js lb-sticky <balancer> <urlA> <urlB>   polling only, then polling upgraded
//          to WebSocket, through a balancer sticky by sid; a broadcast from the other node (direct)
//        node scenario.js lb-websocket <balancer>   WebSocket only, two clients through a round-robin
//          balancer (one per node), a broadcast from one to the other
// Prints one JSON line with what it saw; on a failure prints {"error": …} and exits 1. After the
// report it stays until the test writes a line on stdin.
"use strict";
const { io } = require("socket.io-client");

const [, , scenario, ...args] = process.argv;

function once(emitter, event, ms = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out waiting for " + event)), ms);
    emitter.once(event, (...a) => {
      clearTimeout(t);
      resolve(a);
    });
  });
}

function ack(socket, event, ...a) {
  return new Promise((resolve, reject) => {
    socket.timeout(10000).emit(event, ...a, (err, ...answer) => (err ? reject(err) : resolve(answer)));
  });
}

const hex = (b) => Buffer.from(b).toString("hex");

async function cluster(urlA, urlB) {
  const opts = (transport) => ({ transports: [transport], forceNew: true, reconnection: false });
  const a = io(urlA, opts("websocket"));
  const b1 = io(urlB, opts("websocket"));
  const b2 = io(urlB, opts("polling"));
  const c = io(urlB, opts("websocket"));
  await Promise.all([a, b1, b2, c].map((s) => once(s, "connect")));
  for (const s of [b1, b2, c]) await ack(s, "join", "r");
  await ack(c, "join", "muted");
  const out = {};

  // One room: one message published once on the room's topic, relayed to node B.
  const news = [once(b1, "news"), once(b2, "news"), once(c, "news")];
  const [count] = await ack(a, "to-room", "r", "hello r");
  out.news = (await Promise.all(news)).map((x) => x[0]);
  out.countOnA = count;

  // A room but not another: resolved on each node.
  let cGot = false;
  c.on("except-news", () => (cGot = true));
  const ex = [once(b1, "except-news"), once(b2, "except-news")];
  await ack(a, "to-room-except", "r", "muted", "not for muted");
  out.except = (await Promise.all(ex)).map((x) => x[0]);
  const allC = once(c, "all");
  await ack(a, "everyone", "to all");
  out.all = (await allC)[0];
  out.cGotExcept = cGot;

  // Binary attachments across nodes, to WebSocket and polling members.
  const bin = [once(b1, "bin"), once(b2, "bin")];
  await ack(a, "binary-to-room", "r");
  out.binary = (await Promise.all(bin)).map((x) => [x[0], hex(x[1])]);

  // A private message: the room of a socket id lives on the other node.
  const dm = once(b2, "dm");
  await ack(a, "dm", b2.id, "psst");
  out.dm = (await dm)[0];

  for (const s of [a, b1, b2, c]) s.close();
  return out;
}

async function recovery(url, transport) {
  const s = io(url, { transports: [transport], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
  const welcome = once(s, "welcome");
  await once(s, "connect");
  const out = { firstRecovered: s.recovered };
  const firstId = s.id;
  await welcome;
  await ack(s, "join", "r");
  const missed = [];
  let arrived = () => {};
  s.on("missed", (n) => {
    missed.push(n);
    arrived();
  });
  // Resolves once `count` "missed" events have arrived (they may be replayed, or, when the server
  // sends them while the client is already back, live: either way once and in order).
  const received = (count) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("only " + JSON.stringify(missed))), 10000);
      arrived = () => missed.length >= count && (clearTimeout(t), resolve());
      arrived();
    });
  const reconnected = once(s, "connect");
  s.io.engine.close(); // the transport is gone; the server emits while the client is away
  await reconnected;
  out.recovered = s.recovered;
  out.sameId = s.id === firstId;
  const [serverSide, data] = await ack(s, "state");
  out.serverRecovered = serverSide;
  out.data = data;
  await received(4);
  // After recovery, live events go on; nothing arrives twice before it.
  await ack(s, "emit-live");
  await received(5);
  out.missed = [...missed];
  s.close();
  return out;
}

// Broadcasts with acknowledgements: a and b (WebSocket, polling) answer "question", c (WebSocket)
// never does; a asks the server to broadcast with acks to rooms of them.
async function acks(url) {
  const opts = (transport) => ({ transports: [transport], forceNew: true, reconnection: false });
  const clients = { a: io(url, opts("websocket")), b: io(url, opts("polling")), c: io(url, opts("websocket")) };
  await Promise.all(Object.values(clients).map((s) => once(s, "connect")));
  for (const [name, s] of Object.entries(clients)) {
    s.on("question", (x, cb) => {
      if (name === "c") return; // never answers
      cb(typeof x === "object" ? name + ":" + hex(x) : name + ":" + x);
    });
    await ack(s, "join", "r");
    if (name !== "c") await ack(s, "join", "answering");
  }
  const a = clients.a;
  const out = {};
  [out.answering] = await ack(a, "ask", "answering", 5000, "hi");
  [out.binary] = await ack(a, "ask", "answering", 5000, Buffer.from([1, 2, 255]));
  [out.withSilent] = await ack(a, "ask", "r", 300, "hi");
  [out.nobody] = await ack(a, "ask", "empty-room", 300, "hi");
  [out.namespace] = await ack(a, "ask-all", 300, "all");
  for (const s of Object.values(clients)) s.close();
  return out;
}

// Broadcasts with acknowledgements across two nodes: a1 (WebSocket) and a2 (polling) on node A,
// b1 (WebSocket), b2 (polling) and b3 (WebSocket, never answers) on node B, n1 (WebSocket, node
// A) and n2 (polling, node B) in namespace /nsp. "question" is answered with a string naming the
// client, "binary-question" with the client's name as bytes. A client asks its node to broadcast.
async function crossAcks(urlA, urlB) {
  const opts = (transport) => ({ transports: [transport], forceNew: true, reconnection: false });
  const clients = {
    a1: io(urlA, opts("websocket")),
    a2: io(urlA, opts("polling")),
    b1: io(urlB, opts("websocket")),
    b2: io(urlB, opts("polling")),
    b3: io(urlB, opts("websocket")),
    n1: io(urlA + "/nsp", opts("websocket")),
    n2: io(urlB + "/nsp", opts("polling")),
  };
  await Promise.all(Object.values(clients).map((s) => once(s, "connect")));
  for (const [name, s] of Object.entries(clients)) {
    if (name === "b3") continue; // never answers
    s.on("question", (x, cb) => cb(typeof x === "object" ? name + ":" + hex(x) : name + ":" + x));
    s.on("binary-question", (x, cb) => cb(Buffer.from(name)));
  }
  for (const [name, s] of Object.entries(clients)) {
    if (name.startsWith("n")) continue;
    await ack(s, "join", "r");
    if (name !== "b3") await ack(s, "join", "answering");
    if (name.startsWith("a")) await ack(s, "join", "only-a");
  }
  const { a1, b1, n1 } = clients;
  const out = {};
  [out.answering] = await ack(a1, "ask", "answering", 5000, "question", "hi");
  [out.binaryArgument] = await ack(a1, "ask", "answering", 5000, "question", Buffer.from([1, 2, 255]));
  [out.binaryAnswers] = await ack(a1, "ask", "answering", 5000, "binary-question", "x");
  [out.fromB] = await ack(b1, "ask", "answering", 5000, "question", "hey");
  [out.onlyA] = await ack(a1, "ask", "only-a", 5000, "question", "hi");
  [out.nobody] = await ack(a1, "ask", "empty-room", 5000, "question", "hi");
  [out.withSilent] = await ack(a1, "ask", "r", 500, "question", "hi");
  [out.namespace] = await ack(n1, "ask", "", 5000, "question", "ns");
  [out.leftOnB] = await ack(b1, "pending");
  for (const s of Object.values(clients)) s.close();
  return out;
}

// Resolves with the next line the test writes on stdin.
function nextLine() {
  return new Promise((resolve) => {
    process.stdin.setEncoding("utf8");
    process.stdin.once("data", (d) => {
      process.stdin.pause();
      resolve(String(d).trim());
    });
    process.stdin.resume();
  });
}

async function across(urlA, urlB, mode) {
  const s = io(urlA, { transports: ["websocket"], forceNew: true, reconnection: false });
  const welcome = once(s, "welcome");
  await once(s, "connect");
  await welcome; // an event kept for recovery: the client has an offset
  await ack(s, "join", "r");
  const firstId = s.id;
  const missed = [];
  const binary = [];
  let arrived = () => {};
  s.on("missed", (n, ...rest) => {
    missed.push(n);
    if (rest.length > 1 && typeof rest[0] === "object") binary.push(hex(rest[0]));
    arrived();
  });
  const received = (count) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("only " + JSON.stringify(missed))), 10000);
      arrived = () => missed.length >= count && (clearTimeout(t), resolve());
      arrived();
    });
  const ticks = [];
  s.on("tick", (n) => ticks.push(n));
  const away = once(s, "disconnect");
  console.log(JSON.stringify({ step: "ready", id: s.id, pid: s._pid }));
  const [reason] = await away;
  console.log(JSON.stringify({ step: "away", reason }));
  await nextLine();
  if (mode === "unknown") s._pid = "AAAAAAAAAAAAAAAAAAAA";
  if (mode === "malformed") s._lastOffset = "not an offset \u0000{]";
  s.io.uri = urlB; // the client comes back to another node
  const back = once(s, "connect");
  s.connect();
  await back;
  const out = { recovered: s.recovered, sameId: s.id === firstId };
  if (mode === "ticks") {
    // The server emits a tick every few milliseconds, from before the reconnect until after it.
    const end = once(s, "tick-end", 30000);
    console.log(JSON.stringify({ step: "back" }));
    const [last] = await end;
    out.ticks = { count: ticks.length, last, exact: ticks.every((n, i) => n === i + 1) && ticks.length === last };
    s.close();
    return out;
  }
  const [serverSide, data] = await ack(s, "state");
  out.serverRecovered = serverSide;
  out.data = data;
  if (s.recovered) {
    await received(3);
  }
  // Live events go on from node B (to the room when recovered, to the new socket otherwise).
  await ack(s, "join", "r");
  const before = missed.length;
  await ack(s, "emit-live");
  await received(before + 1);
  out.missed = [...missed];
  out.binary = binary;
  s.close();
  return out;
}

// The three load-balancer scenarios (LoadBalancedPollingInteropTest). The server answers "node"
// with its name ("a" or "b"), "echo" with its arguments, "join" once Redis relays the room, and
// "to-room" with the number of sockets of its node the event was handed to.

// Polling through a round-robin balancer: each request is a new connection, so the requests after
// the handshake alternate between the nodes and one of them reaches the node without the session.
// The client's manager reconnects after each failure (its backoff restarts, as the Engine.IO
// handshake itself succeeds every time); after three failures the client is closed.
async function lbPolling(url, transports) {
  const opts = { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 };
  const s = io(url, transports === "polling" ? { ...opts, transports: ["polling"] } : opts);
  const out = { connects: 0, opens: 0, connectErrors: [], disconnects: [] };
  s.on("connect", () => out.connects++);
  s.io.on("open", () => out.opens++);
  s.on("disconnect", (reason, d) => out.disconnects.push({ reason, message: d && d.message, status: d && d.description }));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no three failures: " + JSON.stringify(out))), 10000);
    s.on("connect_error", (e) => {
      out.connectErrors.push({ message: e.message, status: e.description });
      if (out.connectErrors.length === 3) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  s.close();
  return out;
}

// Through a balancer sticky by sid: p (polling only) does several round trips and gets a broadcast
// from a client connected straight to the other node; u (polling, then WebSocket) upgrades through
// the balancer and goes on over WebSocket.
async function lbSticky(lb, urlA, urlB) {
  const p = io(lb, { transports: ["polling"], forceNew: true, reconnection: false });
  await once(p, "connect");
  const out = { pollingSid: p.io.engine.id };
  [out.node] = await ack(p, "node");
  out.echoes = [];
  for (let i = 0; i < 5; i++) out.echoes.push((await ack(p, "echo", i))[0]);
  await ack(p, "join", "r");
  const other = io(out.node === "a" ? urlB : urlA, { transports: ["websocket"], forceNew: true, reconnection: false });
  await once(other, "connect");
  [out.otherNode] = await ack(other, "node");
  const news = once(p, "news");
  [out.countOnOther] = await ack(other, "to-room", "r", "across nodes");
  [out.news] = await news;
  out.pollingTransport = p.io.engine.transport.name;

  const u = io(lb, { forceNew: true, reconnection: false });
  const upgraded = once(u.io.engine, "upgrade");
  await once(u, "connect");
  out.upgradeSid = u.io.engine.id;
  await upgraded;
  out.upgradedTransport = u.io.engine.transport.name;
  out.upgradedEchoes = [];
  for (let i = 0; i < 3; i++) out.upgradedEchoes.push((await ack(u, "echo", "ws" + i))[0]);
  for (const s of [p, other, u]) s.close();
  return out;
}

// WebSocket only through a round-robin balancer: one connection per session, so no stickiness is
// needed; a and b connect one after the other and so land on different nodes.
async function lbWebSocket(lb) {
  const opts = { transports: ["websocket"], forceNew: true, reconnection: false };
  const a = io(lb, opts);
  await once(a, "connect");
  const b = io(lb, opts);
  await once(b, "connect");
  const out = { nodes: [(await ack(a, "node"))[0], (await ack(b, "node"))[0]], echoes: [] };
  for (let i = 0; i < 3; i++) out.echoes.push((await ack(a, "echo", i))[0], (await ack(b, "echo", i))[0]);
  await ack(b, "join", "r");
  const news = once(b, "news");
  [out.countOnA] = await ack(a, "to-room", "r", "across nodes");
  [out.news] = await news;
  for (const s of [a, b]) s.close();
  return out;
}

const scenarios = {
  cluster: () => cluster(args[0], args[1]),
  across: () => across(args[0], args[1], args[2]),
  acks: () => acks(args[0]),
  "cross-acks": () => crossAcks(args[0], args[1]),
  recovery: () => recovery(args[0], args[1]),
  "lb-polling": () => lbPolling(args[0], args[1]),
  "lb-sticky": () => lbSticky(args[0], args[1], args[2]),
  "lb-websocket": () => lbWebSocket(args[0]),
};
const run = scenarios[scenario] ? scenarios[scenario]() : Promise.reject(new Error("unknown scenario " + scenario));
run.then(
  (out) => {
    console.log(JSON.stringify(out));
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", () => process.exit(0));
    process.stdin.on("end", () => process.exit(0));
  },
  (e) => {
    console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
    process.exit(1);
  }
);
