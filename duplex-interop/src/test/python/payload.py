"""Payloads and digests shared with the Java tests (Payload.java) and the Node peers (payload.js)."""

import hashlib
import json
import sys

UTF8_SAMPLE = "héllo wörld — 你好 🌍"
FRAGMENTS_TEXT = ["frag-one|", "frag-two|", "frag-three"]

_TEXT_PERIOD = bytes(32 + (i * 7) % 95 for i in range(95))
_BINARY_PERIOD = bytes((i * 31 + 7) & 0xFF for i in range(256))


def text(n):
    """n printable ASCII characters: code 32 + (i * 7) % 95."""
    return (_TEXT_PERIOD * (n // 95 + 1))[:n].decode("ascii")


def binary(n):
    """n bytes: (i * 31 + 7) & 0xff."""
    return (_BINARY_PERIOD * (n // 256 + 1))[:n]


def window_trap():
    """12000 lowercase letters: a 6000-letter pseudo-random block twice (matches reach back 6000)."""
    block, x = [], 1
    for _ in range(6000):
        x = (x * 75 + 74) % 65537
        block.append(chr(97 + x % 26))
    return "".join(block) * 2


COMPRESSIBLE = "compress me " * 4096

BURST = 1000
TOO_BIG = (1 << 20) + 1  # one byte over the default 1 MiB message limit


def burst(i):
    """The i-th burst message: short, except every tenth, which is over the 1 KiB threshold."""
    return "burst-%d|%s" % (i, text(2000)) if i % 10 == 9 else "burst-%d" % i


def binary_fragments():
    """binary(30) cut into 10-byte pieces."""
    whole = binary(30)
    return [whole[0:10], whole[10:20], whole[20:30]]


def describe(message):
    """What a received message looks like in a report: type, byte length, digest, short text."""
    is_text = isinstance(message, str)
    data = message.encode("utf-8") if is_text else bytes(message)
    described = {"type": "text" if is_text else "binary", "len": len(data),
                 "sha256": hashlib.sha256(data).hexdigest()}
    if is_text and len(data) <= 200:
        described["text"] = message
    return described


def emit(obj):
    """One JSON line on stdout, flushed at once (the Java side reads it as it comes)."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
