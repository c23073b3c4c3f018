'use strict';
// Makes the README's picture of the chat (docs/images/chat.png) from a running ChatServer:
//
//   java -cp ... io.duplex.examples.chat.ChatServer --port 8080 &
//   node screenshot.js http://127.0.0.1:8080/ ../../../../docs/images/chat.png
//
// Three people join #lobby and talk; the picture is ada's page while grace is typing.
// Same browser as the tests: browser-run.js (Debian's Chromium, its flags, a fresh profile).
const fs = require('node:fs');
const path = require('node:path');
const { withChromium } = require('./browser-run');

const WAIT = { timeout: 15000 };

async function person(browser, base, nick) {
  const context = await browser.newContext({ viewport: { width: 960, height: 600 } });
  const page = await context.newPage();
  await page.goto(base, WAIT);
  await page.waitForSelector('#status[data-state="open"]', WAIT);
  await page.fill('#nick', nick);
  await page.fill('#room', 'lobby');
  await page.click('#join-button');
  await page.waitForSelector('#chat:not([hidden])', WAIT);
  return page;
}

async function say(page, others, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  for (const p of [page, ...others]) {
    await p.waitForFunction(
      (t) => [...document.querySelectorAll('#messages .text')].some((e) => e.textContent === t),
      text,
      WAIT,
    );
  }
}

async function main() {
  const [base, out] = process.argv.slice(2);
  if (!base || !out) throw new Error('usage: node screenshot.js <chat-url> <out.png>');
  await withChromium('duplex-chat-shot-', async (browser) => {
    const ada = await person(browser, base, 'ada');
    const grace = await person(browser, base, 'grace');
    const linus = await person(browser, base, 'linus');
    await say(ada, [grace, linus], 'Morning! Is the new build out?');
    await say(grace, [ada, linus], 'Yes, 0.1.0 went out an hour ago. Compression is on by default now.');
    await say(linus, [ada, grace], 'Nice. Restarted the server twice, the pages came back by themselves.');
    await say(ada, [grace, linus], 'That is the backoff with full jitter: no thundering herd.');
    await grace.fill('#text', 'And they rejoin');
    await ada.waitForFunction(() => document.querySelector('#typing').textContent.includes('grace'), null, WAIT);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    await ada.screenshot({ path: out, ...WAIT });
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`screenshot.js: ${(e && e.stack) || e}\n`);
    process.exit(1);
  },
);
