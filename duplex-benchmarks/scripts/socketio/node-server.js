// The reference: Node's socket.io 4.8 server with the same handlers as SocketIoBenchServer.java.
// Usage: node --expose-gc node-server.js <port>; prints "READY <port>".
"use strict";
const { createServer } = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 0);
const http = createServer();
const io = new Server(http);
io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("bcast", (n, payload, ack) => {
    for (let i = 0; i < n; i++) io.emit("tick", payload);
    ack();
  });
  socket.on("mem", (ack) => {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    ack({ rss: m.rss, heap: m.heapUsed });
  });
});
http.listen(port, "127.0.0.1", () => console.log("READY " + http.address().port));
