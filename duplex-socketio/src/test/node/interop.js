// Interop check of a Duplex Socket.IO server with the official socket.io-client (Node).
// Usage: node interop.js <http://127.0.0.1:port> <websocket|polling|upgrade|refused>
// Prints one JSON line with what it saw, and exits 0; on a failure prints {"error": …} and exits 1.
"use strict";
const { io } = require("socket.io-client");

const [, , url, mode] = process.argv;
const transports =
  mode === "websocket" ? ["websocket"] : mode === "polling" ? ["polling"] : ["polling", "websocket"];

function connect(nsp, extra = {}) {
  return io(url + nsp, { transports, forceNew: true, reconnection: false, ...extra });
}

// Resolves with the event's arguments; rejects after a bound (a failure, never a pacing wait).
function once(emitter, event, ms = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out waiting for " + event)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(t);
      resolve(args);
    });
  });
}

// Emits with an acknowledgement; resolves with all the ack's arguments.
function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(10000).emit(event, ...args, (err, ...answer) => (err ? reject(err) : resolve(answer)));
  });
}

const hex = (b) => Buffer.from(b).toString("hex");

async function main() {
  const out = { mode };
  const a = connect("/");
  const helloP = once(a, "hello");
  const questionP = once(a, "question");
  await once(a, "connect");
  const [hello, helloBin] = await helloP;
  out.hello = { transport: hello.transport, binary: hex(helloBin) };

  if (mode === "upgrade") {
    if (a.io.engine.transport.name !== "websocket") {
      await once(a.io.engine, "upgrade");
    }
  }

  // An event with JSON and binary, acknowledged with the same arguments.
  const echoed = await ack(a, "echo", { n: 1, s: "é" }, [true, null], Buffer.from([0, 255, 7]));
  out.echo = { json: echoed[0], list: echoed[1], binary: hex(echoed[2]) };

  // The server asks, the client acknowledges, the server reports the answer.
  const answeredP = once(a, "answered");
  a.emit("ask-me");
  const [question, ackFn] = await questionP;
  ackFn("answer to " + question, Buffer.from([9]));
  const answered = await answeredP;
  out.answered = [answered[0], hex(answered[1])];

  // Rooms and broadcasts: b and c join "r1", d does not; a shout from b reaches c only.
  const b = connect("/");
  const c = connect("/");
  const d = connect("/");
  await Promise.all([once(b, "connect"), once(c, "connect"), once(d, "connect")]);
  await ack(b, "join", "r1");
  await ack(c, "join", "r1");
  let dGot = false;
  let bGot = false;
  d.on("shouted", () => (dGot = true));
  b.on("shouted", () => (bGot = true));
  const shoutedP = once(c, "shouted");
  const [count] = await ack(b, "shout", "r1", "hi all");
  const [shouted] = await shoutedP;
  // a namespace-wide broadcast after it: reaches d, which proves the room one was not sent to d
  const allP = once(d, "all");
  await ack(a, "everyone", "ping-all");
  await allP;
  out.rooms = { shouted, count, dGot, bGot };

  // Namespaces with auth: refused with CONNECT_ERROR, accepted with the right token.
  const bad = connect("/admin", { auth: { token: "bad" } });
  const [err] = await once(bad, "connect_error");
  out.refused = { message: err.message, data: err.data };
  bad.close();
  const good = connect("/admin", { auth: { token: "good" } });
  await once(good, "connect");
  const [who] = await ack(good, "whoami");
  out.admin = { who };
  const unknown = connect("/nowhere");
  const [err2] = await once(unknown, "connect_error");
  out.unknownNamespace = err2.message;
  unknown.close();

  out.finalTransport = a.io.engine.transport.name;
  // A client-side disconnect, which the server reports as "client namespace disconnect".
  a.disconnect();
  for (const s of [b, c, d, good]) s.close();
  console.log(JSON.stringify(out));
}

// After the report, the process stays until the test says "exit" on stdin, so what the last
// disconnects sent (a polling POST in flight) reaches the server before the process ends.
main().then(
  () => {
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", () => process.exit(0));
    process.stdin.on("end", () => process.exit(0));
  },
  (e) => {
    console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
    process.exit(1);
  }
);
