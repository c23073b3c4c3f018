'use strict';
// Payloads and digests shared with the Java tests (Payload.java) and the Python peers
// (payload.py): all sides must produce the same bytes for the same size.
const crypto = require('node:crypto');

const UTF8_SAMPLE = 'héllo wörld — 你好 🌍';
const FRAGMENTS_TEXT = ['frag-one|', 'frag-two|', 'frag-three'];

/** n printable ASCII characters: code 32 + (i * 7) % 95. */
function text(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 32 + ((i * 7) % 95);
  return b.toString('latin1');
}

/** n bytes: (i * 31 + 7) & 0xff. */
function binary(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/**
 * 12000 lowercase letters: a 6000-letter pseudo-random block twice, so a compressor's matches
 * reach back 6000 bytes (beyond a 4 KiB window: catches window-size mistakes in deflate).
 */
function windowTrap() {
  const b = Buffer.allocUnsafe(12000);
  let x = 1;
  for (let i = 0; i < 6000; i++) {
    x = (x * 75 + 74) % 65537;
    b[i] = 97 + (x % 26);
    b[i + 6000] = b[i];
  }
  return b.toString('latin1');
}

/** How many messages the burst scenario sends back to back. */
const BURST = 1000;

/** The i-th burst message: short, except every tenth, which is over the 1 KiB deflate threshold. */
function burst(i) {
  return i % 10 === 9 ? `burst-${i}|${text(2000)}` : `burst-${i}`;
}

/** One byte over the default 1 MiB message limit of Duplex (and of Python websockets). */
const TOO_BIG = (1 << 20) + 1;

/** A highly compressible 48 KiB text. */
const COMPRESSIBLE = 'compress me '.repeat(4096);

/** The binary fragments: binary(30) cut into 10-byte pieces. */
function binaryFragments() {
  const all = binary(30);
  return [all.subarray(0, 10), all.subarray(10, 20), all.subarray(20, 30)];
}

function sha256(buffer) {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

/** What a received message looks like in a report: type, byte length, digest, short text. */
function describe(data, isBinary) {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const m = { type: isBinary ? 'binary' : 'text', len: buffer.length, sha256: sha256(buffer) };
  if (!isBinary && buffer.length <= 200) m.text = buffer.toString('utf8');
  return m;
}

/** Prints one JSON line on stdout and calls back once it is flushed. */
function emit(object, callback) {
  process.stdout.write(JSON.stringify(object) + '\n', callback);
}

module.exports = {
  UTF8_SAMPLE,
  FRAGMENTS_TEXT,
  COMPRESSIBLE,
  BURST,
  TOO_BIG,
  burst,
  text,
  binary,
  binaryFragments,
  windowTrap,
  sha256,
  describe,
  emit,
};
