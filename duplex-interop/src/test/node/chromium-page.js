'use strict';
// Drives Debian's Chromium with playwright-core (no browser download, ever).
// Usage: node chromium-page.js [--trust-spki <base64 sha256>] <page-url> <screenshot.png> ...
// Opens each page served by Duplex in turn (one browser for all), waits until it has run its
// scenarios, saves a screenshot of it and prints
// {"userAgent": ..., "visits": [{"url": ..., "reports": [...]}]} as one JSON line on stdout.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const P = require('./payload');

// Exactly these flags (the machine has no internet: without them Chromium keeps dialling out),
// plus a fresh profile and the pipe Playwright talks over.
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

async function main() {
  const rest = process.argv.slice(2);
  const spki = rest.indexOf('--trust-spki');
  const trusted = spki >= 0 ? rest.splice(spki, 2)[1] : null;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-chromium-'));
  const args = [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe'];
  if (trusted) {
    // Trusts only the test certificate's key (Chromium honours this with --user-data-dir).
    args.push(`--ignore-certificate-errors-spki-list=${trusted}`);
  }
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      ignoreDefaultArgs: true,
      args,
      timeout: 30000,
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    page.on('console', (m) => process.stderr.write(`console.${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    const visits = [];
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const [url, screenshot] = [rest[i], rest[i + 1]];
      await page.goto(url, { timeout: 15000 });
      await page.waitForSelector('body[data-state="done"]', { timeout: 60000 });
      const reports = JSON.parse(await page.textContent('#results'));
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true, timeout: 15000 });
      visits.push({ url, reports });
    }
    const userAgent = await page.evaluate(() => navigator.userAgent);
    await new Promise((resolve) => P.emit({ userAgent, visits }, resolve));
  } finally {
    if (browser) await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write('chromium-page.js: timed out after 110 s\n');
  process.exit(2);
}, 110000);
main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`chromium-page.js: ${(e && e.stack) || e}\n`);
    process.exit(1);
  },
);
