// socket.io-client load driver for socketio-bench.sh. One JSON line per cell on stdout.
// Usage: node driver.js <url> [echoClients=50] [seconds=5] [broadcastClients=1000] [broadcasts=100]
//        POLLING_ONLY=1 node driver.js <url> [echoClients] [seconds]: the echo-polling cell alone
//        (after its warm-up), with the round trips of both runs ("total", for CPU per round trip)
"use strict";
const { io } = require("socket.io-client");

const [, , url, echoClients = "50", seconds = "5", bcastClients = "1000", broadcasts = "100"] = process.argv;
// Unmeasured echo seconds before each measured echo cell (ECHO_WARMUP, default 10): a JVM server
// pinned to one CPU is still compiling the echo path with C2 for about 10 s of this load, and
// the cells are meant to measure a server that has been running (the same for Node's).
const WARMUP = Number(process.env.ECHO_WARMUP || 10);

function connect(transport) {
  const s = io(url, { transports: [transport], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

async function connectMany(n, transport) {
  const out = [];
  for (let i = 0; i < n; i += 50) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => connect(transport)))));
  }
  return out;
}

// Each client emits "echo" with an ack and emits again when the ack comes: round trips per second.
async function echo(transport, secs = Number(seconds)) {
  const clients = await connectMany(Number(echoClients), transport);
  const payload = { text: "x".repeat(64), n: 1 };
  let count = 0; // in the measured window
  let all = 0; // from the first emit
  let running = true;
  const loops = clients.map(
    (s) =>
      new Promise((resolve) => {
        const next = () => {
          if (!running) return resolve();
          s.emit("echo", payload, () => {
            count++;
            all++;
            next();
          });
        };
        next();
      })
  );
  // The window opens 2 s into the load: the sockets of the cell before are still being closed
  // on both sides when these connect (1,001 after a broadcast cell).
  await new Promise((r) => setTimeout(r, 2000));
  count = 0;
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, secs * 1000));
  running = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const done = count;
  await Promise.all(loops);
  clients.forEach((s) => s.close());
  totalRoundTrips += all;
  // The driver's share of its CPU: near 1, this one Node process is the limit, not the server.
  const driverCpu = (used.user + used.system) / 1e6 / elapsed;
  return { cell: "echo-" + transport, clients: clients.length, per_s: done / elapsed, driver_cpu: driverCpu };
}

let totalRoundTrips = 0;

function ack(s, event, ...args) {
  return new Promise((resolve) => s.emit(event, ...args, (...a) => resolve(a)));
}

// Memory per idle client, then broadcasts to all of them: deliveries per second.
async function broadcast() {
  const probe = await connect("websocket");
  await ack(probe, "mem");
  const [before] = await ack(probe, "mem");
  const clients = await connectMany(Number(bcastClients), "websocket");
  await ack(probe, "mem");
  const [after] = await ack(probe, "mem");
  const memory = {
    cell: "memory",
    clients: clients.length,
    rss_kib_per_client: (after.rss - before.rss) / 1024 / clients.length,
    heap_kib_per_client: (after.heap - before.heap) / 1024 / clients.length,
  };
  const n = Number(broadcasts);
  const all = [probe, ...clients];
  const rates = [];
  for (let round = 0; round < 3; round++) {
    let got = 0;
    const expected = n * all.length;
    const finished = new Promise((resolve) => {
      for (const s of all) {
        s.off("tick");
        s.on("tick", () => {
          if (++got === expected) resolve();
        });
      }
    });
    const start = process.hrtime.bigint();
    await ack(probe, "bcast", n, "x".repeat(32));
    await finished;
    rates.push(expected / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  all.forEach((s) => s.close());
  return [memory, { cell: "broadcast", clients: all.length, broadcasts: n, per_s: Math.max(...rates), rounds: rates }];
}

(async () => {
  if (process.env.POLLING_ONLY) {
    await echo("polling", WARMUP);
    const cell = await echo("polling");
    console.log(JSON.stringify({ ...cell, total: totalRoundTrips }));
    process.exit(0);
  }
  const out = [];
  // Memory first, on a fresh server; then one unmeasured broadcast and echo run (JIT warm-up for
  // the JVM, the same for Node), then the measured ones.
  const [memory] = await broadcast();
  out.push(memory);
  await echo("websocket", WARMUP);
  out.push((await broadcast())[1]);
  out.push(await echo("websocket"));
  await echo("polling", WARMUP); // unmeasured, as for WebSocket: the polling path's own warm-up
  out.push(await echo("polling"));
  for (const o of out) console.log(JSON.stringify(o));
  process.exit(0);
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
});
