'use strict';
// What every browser script of this folder shares (e2e.js, redis-e2e.js, socketio-e2e.js,
// screenshot.js): Debian's Chromium driven by playwright-core with exactly these flags and a
// throw-away profile, and, for the tests, one JSON result line on stdout for the Java side.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

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

/** One JSON line on stdout: how the scripts talk to the Java side. */
function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

/** Runs `use(browser)` in Chromium with a fresh profile (`profilePrefix` in the temp folder), then closes both. */
async function withChromium(profilePrefix, use) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), profilePrefix));
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      ignoreDefaultArgs: true,
      args: [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe'],
      timeout: 30000,
    });
    return await use(browser);
  } finally {
    if (browser) await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * A test script's whole run: `scenario(browser)` in Chromium, then one line
 * {"event":"result","ok":true,...its result, screenshots, pageErrors} and exit 0; on a failure
 * {"ok":false,"error":...} (with `describePages()`, when given, appended: what each page showed)
 * and exit 1; when `limitMs` passes first, {"ok":false} and exit 2. `report` holds the arrays
 * `screenshots` and `pageErrors` the script fills as it goes.
 */
function runScenario({ script, profilePrefix, shots, limitMs, report, scenario, describePages }) {
  const { screenshots, pageErrors } = report;
  const watchdog = setTimeout(() => {
    emit({ event: 'result', ok: false, error: `${script} timed out after ${limitMs / 1000} s`, screenshots, pageErrors });
    process.exit(2);
  }, limitMs);
  fs.mkdirSync(shots, { recursive: true });
  withChromium(profilePrefix, async (browser) => {
    try {
      return await scenario(browser);
    } catch (e) {
      if (describePages) e.pages = await describePages();
      throw e;
    }
  }).then(
    (result) => {
      emit({ event: 'result', ok: true, ...result, screenshots, pageErrors });
      clearTimeout(watchdog);
      process.exit(0);
    },
    (e) => {
      const pages = e && e.pages ? `\npages: ${JSON.stringify(e.pages, null, 1)}` : '';
      emit({ event: 'result', ok: false, error: String((e && e.stack) || e) + pages, screenshots, pageErrors });
      process.exit(1);
    },
  );
}

/**
 * What each open page shows, for a failure message: for every `[name, page]` of `pages`, the text
 * of each selector in `fields` (`{ key: selector }`) and the text of every `lines` element.
 */
async function describePages(pages, fields, lines) {
  const out = {};
  for (const [name, page] of pages) {
    out[name] = await page
      .evaluate(
        ([f, l]) => {
          const seen = {};
          for (const [key, selector] of Object.entries(f)) {
            seen[key] = document.querySelector(selector)?.textContent;
          }
          seen.lines = [...document.querySelectorAll(l)].map((el) => el.textContent);
          return seen;
        },
        [fields, lines],
      )
      .catch((e) => String(e));
  }
  return out;
}

module.exports = { FLAGS, emit, withChromium, runScenario, describePages };
