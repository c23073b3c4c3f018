'use strict';
// Payloads and checksums shared with StreamEndpoint.java: length and the sum of the UTF-16 code
// units (text) or bytes (binary), modulo 1e9+7. Used by ws-peer.js; the page has its own copy.
const MOD = 1000000007;

/** n printable ASCII characters: code 32 + (i * 7) % 95. */
function text(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + ((i * 7) % 95));
  return s;
}

/** n bytes: (i * 31 + 7) & 0xff. */
function binary(n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function describe(kind, data) {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    sum = (sum + (typeof data === 'string' ? data.charCodeAt(i) : data[i])) % MOD;
  }
  return `${kind} ${data.length} ${sum}`;
}

module.exports = { text, binary, describe };
