'use strict';
// End-to-end test of the chat demo in Debian's Chromium, driven by playwright-core (which never
// downloads a browser). Started by ChatE2ETest.java:
//
//   node e2e.js <chat-url> <screenshot-dir> <grace-url>
//
// Two pages (a desktop and a phone-sized one, separate browser contexts) join one room, see each
// other in the presence list and chat both ways. Grace's page is loaded from <grace-url>, a tunnel
// to the same server that the Java side can cut: the script asks for that ({"event":"cut-grace"}
// on stdout, answered "cut" on stdin), has Ada talk while Grace is away, asks for the tunnel back
// ({"event":"resume-grace"} / "resumed") while Ada goes on talking, and checks that Grace's page
// caught up by itself: every message once, in order. Then it asks the Java side to stop the server
// ({"event":"stop-server"} / "stopped"), checks that both pages show "reconnecting", asks for a
// restart on the same port ({"event":"start-server"} / "started"; a new server, so a new epoch)
// and checks that both pages rejoin by themselves, say they reloaded the room and can chat again.
// Then the dashboard must show live updates. Last, Grace leaves and Ada's member list drops her. Screenshots go to <screenshot-dir>; the outcome is
// one JSON line {"event":"result", ...} on stdout. Every wait has a timeout.
const path = require('node:path');
const readline = require('node:readline');
const { emit, runScenario, describePages } = require('./browser-run');

const STEP_MS = 15000; // the longest any single wait may take
const RECONNECT_MS = 25000; // backoff is capped at 8 s, so a rejoin takes well under this

const [base, shots, graceBase] = process.argv.slice(2);
if (!base || !shots || !graceBase) {
  process.stderr.write('usage: node e2e.js <chat-url> <screenshot-dir> <grace-url>\n');
  process.exit(2);
}

// --- talking to the Java side ----------------------------------------------------------------

const input = readline.createInterface({ input: process.stdin });
const lines = [];
const waiters = [];
input.on('line', (line) => {
  const waiter = waiters.shift();
  if (waiter) waiter(line);
  else lines.push(line);
});

function ask(event, answer) {
  emit({ event });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${answer}" from the test within ${STEP_MS} ms`)), STEP_MS);
    const take = (line) => {
      clearTimeout(timer);
      if (line.trim() === answer) resolve();
      else reject(new Error(`expected "${answer}", got "${line}"`));
    };
    if (lines.length) take(lines.shift());
    else waiters.push(take);
  });
}

// --- page helpers ----------------------------------------------------------------------------

async function open(browser, viewport, name, url = base) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => process.stderr.write(`[${name}] console.${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => {
    process.stderr.write(`[${name}] page error: ${e.message}\n`);
    pageErrors.push(`${name}: ${e.message}`);
  });
  await page.goto(url, { timeout: STEP_MS });
  openPages.set(name, page);
  return page;
}

async function join(page, nick, room) {
  await page.waitForSelector('#status[data-state="open"]', { timeout: STEP_MS });
  await page.fill('#nick', nick);
  await page.fill('#room', room);
  await page.click('#join-button');
  await page.waitForSelector('#chat:not([hidden])', { timeout: STEP_MS });
}

function presence(page) {
  return page.$$eval('#presence li', (items) => items.map((li) => li.textContent));
}

async function waitForPresence(page, nicks, timeout = STEP_MS) {
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll('#presence li')].map((li) => li.textContent).sort();
      return JSON.stringify(shown) === JSON.stringify(expected);
    },
    [...nicks].sort(),
    { timeout },
  );
  return presence(page);
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

// Without input events, so no "typing" goes out: a quick run of messages stays within the rate
// limit (10 in a burst), which counts typing notices too.
async function sayQuietly(page, text) {
  await page.$eval('#text', (input, t) => {
    input.value = t;
  }, text);
  await page.press('#text', 'Enter');
}

async function waitForMessage(page, nick, text) {
  await page.waitForFunction(
    ([n, t]) =>
      [...document.querySelectorAll('#messages li.message')].some(
        (li) => li.querySelector('.nick').textContent === n && li.querySelector('.text').textContent === t,
      ),
    [nick, text],
    { timeout: STEP_MS },
  );
}

function messages(page) {
  return page.$$eval('#messages li.message', (items) =>
    items.map((li) => ({ nick: li.querySelector('.nick').textContent, text: li.querySelector('.text').textContent })),
  );
}

function systemLines(page) {
  return page.$$eval('#messages li.system', (items) => items.map((li) => li.textContent));
}

function reloadedLines(page) {
  return page.$$eval('#messages li.system.reloaded', (items) => items.map((li) => li.textContent));
}

async function waitForSystemLine(page, prefix, timeout) {
  await page.waitForFunction(
    (p) => [...document.querySelectorAll('#messages li.system')].some((li) => li.textContent.startsWith(p)),
    prefix,
    { timeout },
  );
  return (await systemLines(page)).filter((line) => line.startsWith(prefix));
}

function status(page) {
  return page.$eval('#status', (s) => ({ state: s.dataset.state, label: s.textContent }));
}

/** One picture of several pages side by side, rendered by the browser itself (no image library). */
async function sideBySide(browser, pages, file) {
  const images = [];
  for (const page of pages) images.push((await page.screenshot({ timeout: STEP_MS })).toString('base64'));
  const context = await browser.newContext({ viewport: { width: 1440, height: 800 } });
  const sheet = await context.newPage();
  await sheet.setContent(
    `<body style="margin:0;padding:16px;background:#d9dde3;display:flex;gap:16px;align-items:flex-start">${images
      .map((b64) => `<img style="box-shadow:0 2px 12px #0003;border-radius:6px" src="data:image/png;base64,${b64}">`)
      .join('')}</body>`,
  );
  await sheet.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: STEP_MS });
  await sheet.screenshot({ path: file, fullPage: true, timeout: STEP_MS });
  await context.close();
  screenshots.push(path.basename(file));
}

// --- the scenario ----------------------------------------------------------------------------

const pageErrors = [];
const screenshots = [];
const openPages = new Map(); // name -> page, to describe them when a step fails

async function scenario(browser) {
  const result = { userAgent: '', first: {}, drop: {}, restart: {}, dashboard: {} };
  const ada = await open(browser, { width: 900, height: 640 }, 'ada');
  const grace = await open(browser, { width: 390, height: 640 }, 'grace', graceBase); // phone-sized
  result.userAgent = await ada.evaluate(() => navigator.userAgent);

  // 1. Both join #lobby and see each other.
  await join(ada, 'ada', 'lobby');
  await join(grace, 'grace', 'lobby');
  result.first.adaPresence = await waitForPresence(ada, ['ada', 'grace']);
  result.first.gracePresence = await waitForPresence(grace, ['ada', 'grace']);

  // 2. Typing indicator, then messages both ways; hostile markup must stay text.
  await ada.fill('#text', 'Hello Grace');
  await grace.waitForFunction(() => document.querySelector('#typing').textContent.includes('ada is typing'), null, {
    timeout: STEP_MS,
  });
  result.first.typingSeen = await grace.textContent('#typing');
  await ada.press('#text', 'Enter');
  await waitForMessage(grace, 'ada', 'Hello Grace');
  const hostile = '<img src=x onerror="window.__pwned=1"> Hi Ada — ça va?';
  await say(grace, hostile);
  await waitForMessage(ada, 'grace', hostile);
  await waitForMessage(grace, 'grace', hostile); // the sender sees its own message too
  result.first.adaMessages = await messages(ada);
  result.first.graceMessages = await messages(grace);
  result.first.markupEscaped = await ada.evaluate(
    () => window.__pwned === undefined && document.querySelector('#messages img') === null,
  );
  await sideBySide(browser, [ada, grace], path.join(shots, 'chat-two-pages.png'));

  // 3. Grace's network drops while Ada talks: her page must catch up by itself, each message once.
  await ask('cut-grace', 'cut');
  await grace.waitForSelector('#status[data-state="reconnecting"]', { timeout: STEP_MS });
  result.drop.graceWhileCut = await status(grace);
  for (let i = 1; i <= 4; i++) {
    await sayQuietly(ada, `While you were away ${i}`);
    await waitForMessage(ada, 'ada', `While you were away ${i}`); // stored: its echo is back
  }
  await ask('resume-grace', 'resumed');
  // Messages keep flowing while Grace's page comes back: each lands in her replay or live.
  await sayQuietly(ada, 'And now live 1');
  await sayQuietly(ada, 'And now live 2');
  await waitForMessage(ada, 'ada', 'And now live 2');
  await waitForMessage(grace, 'ada', 'And now live 2');
  [result.drop.graceCaughtUp] = await waitForSystemLine(grace, 'Reconnected', RECONNECT_MS);
  result.drop.graceReloaded = await reloadedLines(grace);
  result.drop.adaMessages = await messages(ada);
  result.drop.graceMessages = await messages(grace);
  await sideBySide(browser, [ada, grace], path.join(shots, 'caught-up.png'));

  // 4. The server stops: both pages must say so and keep trying.
  await ask('stop-server', 'stopped');
  await ada.waitForSelector('#status[data-state="reconnecting"]', { timeout: STEP_MS });
  await grace.waitForSelector('#status[data-state="reconnecting"]', { timeout: STEP_MS });
  result.restart.adaWhileDown = await status(ada);
  result.restart.graceWhileDown = await status(grace);
  await sideBySide(browser, [ada, grace], path.join(shots, 'reconnecting.png'));

  // 5. It comes back on the same port, a new server with a new epoch: both rejoin by themselves,
  // are told they could not be caught up, and reload the room (its history is gone).
  await ask('start-server', 'started');
  for (const page of [ada, grace]) {
    await page.waitForSelector('#status[data-state="open"]', { timeout: RECONNECT_MS });
    await page.waitForSelector('#messages li.system.reloaded', { timeout: RECONNECT_MS });
  }
  result.restart.adaPresence = await waitForPresence(ada, ['ada', 'grace'], RECONNECT_MS);
  result.restart.gracePresence = await waitForPresence(grace, ['ada', 'grace'], RECONNECT_MS);
  result.restart.adaSystem = await systemLines(ada);
  result.restart.graceSystem = await systemLines(grace);
  result.restart.adaReloaded = await reloadedLines(ada);
  result.restart.graceReloaded = await reloadedLines(grace);
  result.restart.adaAfter = await status(ada);
  result.restart.graceAfter = await status(grace);

  // 6. And they can chat again, both ways.
  await say(ada, 'Back after the restart?');
  await waitForMessage(grace, 'ada', 'Back after the restart?');
  await waitForMessage(ada, 'ada', 'Back after the restart?'); // the sender's own copy comes back too
  await say(grace, 'Yes, rejoined by myself.');
  await waitForMessage(ada, 'grace', 'Yes, rejoined by myself.');
  await waitForMessage(grace, 'grace', 'Yes, rejoined by myself.'); // read both screens only once both have it
  result.restart.adaMessages = await messages(ada);
  result.restart.graceMessages = await messages(grace);
  await sideBySide(browser, [ada, grace], path.join(shots, 'after-restart.png'));
  await ada.screenshot({ path: path.join(shots, 'chat.png'), timeout: STEP_MS });
  screenshots.push('chat.png');

  // 7. The dashboard shows live numbers, pushed every second.
  const dashboard = await open(browser, { width: 900, height: 640 }, 'dashboard', new URL('dashboard.html', base).href);
  await dashboard.waitForSelector('#status[data-state="open"]', { timeout: STEP_MS });
  await say(ada, 'How busy are we?');
  await say(grace, 'Look at the dashboard.');
  // The server's own counts (its metrics listener): the two messages in, their fan-out out. A
  // rate shows for one push interval, so each is caught while it shows (maybe in two pushes).
  const rate = async (id) => {
    const shown = await dashboard.waitForFunction(
      (sel) => {
        const text = document.querySelector(sel).textContent;
        return Number(text) > 0 && text;
      },
      `#${id}`,
      { timeout: STEP_MS },
    );
    return Number(await shown.jsonValue());
  };
  const inRateSeen = await rate('in-rate');
  const outRateSeen = await rate('out-rate');
  const firstUpdates = Number(await dashboard.textContent('#updates'));
  await dashboard.waitForFunction(
    (n) => Number(document.querySelector('#updates').textContent) >= n + 2,
    firstUpdates,
    { timeout: STEP_MS },
  );
  result.dashboard = {
    updates: Number(await dashboard.textContent('#updates')),
    connections: Number(await dashboard.textContent('#connections')),
    total: Number(await dashboard.textContent('#total')),
    inRateSeen,
    outRateSeen,
    handshakes: Number(await dashboard.textContent('#handshakes')),
    rejected: Number(await dashboard.textContent('#rejected')),
    dropped: Number(await dashboard.textContent('#dropped')),
    rooms: await dashboard.$$eval('#rooms tr', (rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent)),
    ),
  };
  await dashboard.screenshot({ path: path.join(shots, 'dashboard.png'), timeout: STEP_MS });
  screenshots.push('dashboard.png');

  // 8. Grace leaves: Ada's member list (from the server's presence) drops her, and says so.
  await grace.click('#leave-button');
  await grace.waitForSelector('#join-form:not([hidden])', { timeout: STEP_MS });
  result.leave = {
    adaPresence: await waitForPresence(ada, ['ada']),
    adaCount: await ada.textContent('#count'),
    adaLeftLine: (await waitForSystemLine(ada, 'grace left', STEP_MS))[0],
  };
  return result;
}

runScenario({
  script: 'e2e.js',
  profilePrefix: 'duplex-chat-e2e-',
  shots,
  limitMs: 80000,
  report: { screenshots, pageErrors },
  scenario,
  describePages: () => describePages(openPages, { status: '#status', notice: '#notice' }, '#messages li'),
});
