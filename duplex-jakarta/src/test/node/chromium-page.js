'use strict';
// Drives Debian's Chromium with playwright-core (no browser download, ever).
// Usage: node chromium-page.js <page-url> <screenshot.png>
// Opens the page (served by the Duplex server that runs the Jakarta endpoints), waits until its
// scenarios have run, saves a screenshot and prints, like ws-peer.js, one line per scenario,
// "<name>\t<JSON array of what was observed>", after a "userAgent\t<JSON string>" line.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

// The machine has no internet: without these flags Chromium keeps dialling out.
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
  const [url, screenshot] = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-jakarta-chromium-'));
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      ignoreDefaultArgs: true,
      args: [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe'],
      timeout: 30000,
    });
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    page.on('console', (m) => process.stderr.write(`console.${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.goto(url, { timeout: 15000 });
    await page.waitForSelector('body[data-state="done"]', { timeout: 60000 });
    const results = JSON.parse(await page.textContent('#results'));
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 15000 });
    const userAgent = await page.evaluate(() => navigator.userAgent);
    process.stdout.write(`userAgent\t${JSON.stringify(userAgent)}\n`);
    for (const [name, seen] of Object.entries(results)) {
      process.stdout.write(`${name}\t${JSON.stringify(seen)}\n`);
    }
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
