'use strict';
// socket.io-client's browser bundle in Debian's Chromium (headless, driven by playwright-core,
// which never downloads a browser) against a Duplex Socket.IO server that serves the page.
// Usage: node browser.js <server-url>
// Prints one JSON line {"websocket": …, "polling": …}, or {"error": …} and exits 1.
const { chromium } = require('playwright-core');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function main(base) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base + '/index.html', { timeout: 15000 });
    const out = {};
    out.websocket = await page.evaluate((t) => window.roundTrip(t), ['websocket']);
    out.polling = await page.evaluate((t) => window.roundTrip(t), ['polling']);
    out.upgrade = await page.evaluate((t) => window.roundTrip(t), ['polling', 'websocket']);
    out.pageErrors = errors;
    return out;
  } finally {
    await browser.close();
  }
}

main(process.argv[2]).then(
  (out) => {
    console.log(JSON.stringify(out));
    process.exit(0);
  },
  (e) => {
    console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
    process.exit(1);
  }
);
