"""Python `websockets` echo server for the Duplex client. Usage: python3 echo_server.py [--tls cert key]

Listens on 127.0.0.1, port 0; prints {"event": "listening", "port": N} and then one JSON line per
event (open, message, ping, pong, close, error) tagged with the connection's ?id= query value.
Paths: /echo echoes; /close closes with 4001 on "close-me"; /ping pings "srv-ping" on open and
answers its pong with "pong:srv-ping". "send-fragmented" / "send-fragmented-binary" make the server
send a fragmented message instead of echoing. Written for websockets 10.4 (Debian bookworm).
"""

import asyncio
import os
import signal
import ssl
import sys
from urllib.parse import parse_qs, urlsplit

import websockets
from websockets.exceptions import ConnectionClosed

import payload as P

TIMEOUT = 10


def split(path):
    parts = urlsplit(path)
    return parts.path, parse_qs(parts.query).get("id", [None])[0]


class RecordingServer(websockets.WebSocketServerProtocol):
    """Records received pings: websockets answers them inside pong(), which has no other hook."""

    async def pong(self, data=b""):
        P.emit({"id": split(self.path)[1], "event": "ping",
                "data": bytes(data).decode("utf-8", "replace")})
        await super().pong(data)


async def handle(ws):
    path, conn_id = split(ws.path)

    def log(**event):
        P.emit({"id": conn_id, **event})

    log(event="open", path=path, protocol=ws.subprotocol or "",
        extensions=ws.response_headers.get("Sec-WebSocket-Extensions", ""))
    try:
        if path == "/ping":
            waiter = await ws.ping(b"srv-ping")
            await asyncio.wait_for(waiter, TIMEOUT)
            log(event="pong", data="srv-ping")
            await ws.send("pong:srv-ping")
        async for message in ws:
            log(event="message", **P.describe(message))
            if path == "/close" and message == "close-me":
                await ws.close(4001, "bye from server")
            elif message == "send-fragmented":
                await ws.send(P.FRAGMENTS_TEXT)
            elif message == "send-fragmented-binary":
                await ws.send(P.binary_fragments())
            else:
                await ws.send(message)
    except ConnectionClosed:
        pass
    except Exception as e:  # noqa: BLE001 - reported to the test as an event
        log(event="error", message="%s: %s" % (type(e).__name__, e))
    await ws.wait_closed()
    log(event="close", code=ws.close_code, reason=ws.close_reason, clean=ws.close_code != 1006)


async def main():
    context = None
    if "--tls" in sys.argv:
        i = sys.argv.index("--tls")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
    forever = asyncio.get_running_loop().create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        # Exit at once: a graceful shutdown is not under test and takes websockets ~2 s.
        asyncio.get_running_loop().add_signal_handler(s, os._exit, 0)
    async with websockets.serve(handle, "127.0.0.1", 0, ssl=context, subprotocols=["chat.v2"],
                                compression="deflate",  # only when the client offers it
                                create_protocol=RecordingServer, close_timeout=TIMEOUT) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        P.emit({"event": "listening", "port": port})
        await forever


if __name__ == "__main__":
    asyncio.run(main())
