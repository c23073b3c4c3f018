"""Scripted Python `websockets` client. Usage: python3 client.py <url> <scenario> [--ca <pem>]

Performs one scenario against a Duplex server, then prints one JSON report line on stdout.
Written for websockets 10.4 (Debian bookworm's python3-websockets).
"""

import asyncio
import ssl
import sys

import websockets
from websockets.exceptions import ConnectionClosed
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

import payload as P

TIMEOUT = 10


class RecordingClient(websockets.WebSocketClientProtocol):
    """Records received pings: websockets answers them inside pong(), which has no other hook."""

    pings_seen = []

    async def pong(self, data=b""):
        RecordingClient.pings_seen.append(bytes(data).decode("utf-8", "replace"))
        await super().pong(data)


async def run(url, scenario, ca, report):
    context = None
    if url.startswith("wss:"):
        context = ssl.create_default_context(cafile=ca)
    protocols = ["chat", "chat.v2"] if scenario == "subprotocol" else None
    compression = {"compression": "deflate"}
    if scenario == "deflate-small-window":
        # Offers only a 10-bit server window: the server honours it with Huffman-only compression.
        compression = {"compression": None,
                       "extensions": [ClientPerMessageDeflateFactory(server_max_window_bits=10)]}
    async with websockets.connect(url, ssl=context, subprotocols=protocols, max_size=4 << 20,
                                  **compression,
                                  open_timeout=TIMEOUT, close_timeout=TIMEOUT,
                                  create_protocol=RecordingClient) as ws:
        report["protocol"] = ws.subprotocol or ""
        report["extensions"] = ws.response_headers.get("Sec-WebSocket-Extensions", "")

        async def receive():
            message = await asyncio.wait_for(ws.recv(), TIMEOUT)
            report["received"].append(P.describe(message))
            return message

        async def expect_echo(sent):
            got = await receive()
            expect(got == sent, "echo differs from what was sent (%d)" % len(got))

        def expect(condition, failure):
            if not condition:
                report["failures"].append(failure)

        async def close_normally():
            await asyncio.wait_for(ws.close(1000, "done"), TIMEOUT)

        async def closed_by_peer():
            try:
                while True:
                    await receive()
            except ConnectionClosed:
                pass

        kind, _, size = scenario.partition(":")
        if kind in ("text", "binary") and size.isdigit():
            sent = P.text(int(size)) if kind == "text" else P.binary(int(size))
            await ws.send(sent)
            await expect_echo(sent)
            await close_normally()
        elif scenario == "fragmented-text":
            await ws.send(P.FRAGMENTS_TEXT)  # an iterable is sent as one fragmented message
            await expect_echo("".join(P.FRAGMENTS_TEXT))
            await close_normally()
        elif scenario == "fragmented-binary":
            parts = P.binary_fragments()
            await ws.send(parts)
            await expect_echo(b"".join(parts))
            await close_normally()
        elif scenario == "utf8":
            await ws.send(P.UTF8_SAMPLE)
            await expect_echo(P.UTF8_SAMPLE)
            await close_normally()
        elif scenario == "ping":
            waiter = await ws.ping(b"cli-ping")
            await asyncio.wait_for(waiter, TIMEOUT)  # completes only on a pong with this payload
            report["pongs"].append("cli-ping")
            await close_normally()
        elif scenario == "server-ping":
            got = await receive()
            expect(got == "pong:srv-ping", "server did not confirm the pong")
            expect("srv-ping" in RecordingClient.pings_seen, "the server ping was not seen")
            await close_normally()
        elif scenario == "close-from-client":
            await asyncio.wait_for(ws.close(4001, "bye from client"), TIMEOUT)
        elif scenario == "close-from-server":
            await ws.send("close-me")
            await asyncio.wait_for(closed_by_peer(), TIMEOUT)
        elif scenario == "subprotocol":
            await ws.send("hello")
            await expect_echo("hello")
            await close_normally()
        elif scenario == "tls":
            await ws.send(P.UTF8_SAMPLE)
            await expect_echo(P.UTF8_SAMPLE)
            sent = P.binary(65536)
            await ws.send(sent)
            await expect_echo(sent)
            await close_normally()
        elif scenario == "burst":
            # Back to back, without waiting: many frames share TCP segments both ways.
            for i in range(P.BURST):
                await ws.send(P.burst(i))
            for i in range(P.BURST):
                if await receive() != P.burst(i):
                    expect(False, "echo %d differs or is out of order" % i)
                    break
            await close_normally()
        elif scenario == "too-big":
            await ws.send(P.text(P.TOO_BIG))
            await asyncio.wait_for(closed_by_peer(), TIMEOUT)
        elif scenario == "context-takeover":
            # The same 6000 letters twice: with context takeover the second copy compresses to a
            # reference into the first message.
            block = P.window_trap()[:6000]
            for sent in (block, block, P.COMPRESSIBLE):
                await ws.send(sent)
                await expect_echo(sent)
            await close_normally()
        elif scenario in ("deflate", "deflate-small-window"):
            for sent in (P.COMPRESSIBLE, P.window_trap()):
                await ws.send(sent)
                await expect_echo(sent)
            await close_normally()
        else:
            raise ValueError("unknown scenario " + scenario)
        await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
        # close_code/close_reason: what the peer's close frame said (1006 without one).
        report["close"] = {"code": ws.close_code, "reason": ws.close_reason,
                           "clean": ws.close_code != 1006}


def main():
    url, scenario = sys.argv[1], sys.argv[2]
    ca = sys.argv[sys.argv.index("--ca") + 1] if "--ca" in sys.argv else None
    report = {"peer": "python-websockets", "scenario": scenario, "ok": False, "error": None,
              "failures": [], "protocol": None, "extensions": None, "received": [],
              "pings": RecordingClient.pings_seen, "pongs": [], "close": None}
    try:
        asyncio.run(asyncio.wait_for(run(url, scenario, ca, report), 20))
    except BaseException as e:  # report every failure, including timeouts, as data
        report["error"] = "%s: %s" % (type(e).__name__, e)
    report["ok"] = report["error"] is None and not report["failures"]
    P.emit(report)


if __name__ == "__main__":
    main()
