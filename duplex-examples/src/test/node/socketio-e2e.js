'use strict';
// End-to-end test of the Socket.IO chat demo (io.duplex.examples.socketio.SocketIoChat) in
// Debian's Chromium, driven by playwright-core. Started by SocketIoChatE2ETest.java:
//
//   node socketio-e2e.js <chat-url> <screenshot-dir>
//
// The page loads the socket.io client from cdn.socket.io; the browser has no internet, so every
// request there is answered with socket.io-client's own dist/socket.io.min.js from node_modules
// (the same version, so the page's integrity hash holds). Scenario: a page with an empty
// nickname, then one with a too-long nickname, are refused by the server's middleware and show
// why; Ada and Grace (separate browser contexts) join one room, see the member count, the typing
// notice and each other's messages; a too-long message shows its ack error; Grace's network drops
// (context offline and her transport closed) while Ada talks, and Grace's page comes back
// "recovered" with the missed message, each message once. Everything asserted is what the pages
// show, collected into one JSON line {"event":"result", ...} on stdout for the Java side to check.
// Every wait has a timeout.
const fs = require('node:fs');
const path = require('node:path');
const { emit, runScenario, describePages } = require('./browser-run');

const STEP_MS = 15000; // the longest any single wait may take
const RECONNECT_MS = 20000; // the page's reconnection backoff is capped at 4 s (x1.5 jitter)
// Not require.resolve: the package's "exports" do not list its dist files.
const CLIENT = path.join(__dirname, 'node_modules/socket.io-client/dist/socket.io.min.js');

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  process.stderr.write('usage: node socketio-e2e.js <chat-url> <screenshot-dir>\n');
  process.exit(2);
}

const pageErrors = [];
const screenshots = [];
const openPages = new Map(); // name -> page, to describe them when a step fails
let cdnRequests = 0;

async function open(browser, name, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // The official CDN, answered from node_modules. crossorigin="anonymous" on the script tag makes
  // it a CORS request, hence the header.
  await page.route('https://cdn.socket.io/**', (route) => {
    cdnRequests++;
    return route.fulfill({
      status: 200,
      contentType: 'application/javascript; charset=utf-8',
      headers: { 'Access-Control-Allow-Origin': '*' },
      body: fs.readFileSync(CLIENT),
    });
  });
  page.on('console', (m) => process.stderr.write(`[${name}] console.${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => {
    process.stderr.write(`[${name}] page error: ${e.message}\n`);
    pageErrors.push(`${name}: ${e.message}`);
  });
  await page.goto(base, { timeout: STEP_MS });
  openPages.set(name, page);
  return page;
}

async function join(page, nick, room) {
  await page.fill('#nick', nick);
  await page.fill('#room', room);
  await page.click('#join-button');
}

async function joined(page) {
  await page.waitForSelector('#chat:not([hidden])', { timeout: STEP_MS });
  await page.waitForSelector('#status[data-state="connected"]', { timeout: STEP_MS });
}

async function refusal(page) {
  await page.waitForSelector('#status[data-state="refused"]', { timeout: STEP_MS });
  await page.waitForFunction(() => document.querySelector('#join-error').textContent !== '', null, {
    timeout: STEP_MS,
  });
  return page.$eval('#join-error', (p) => ({ shown: p.textContent, problem: p.dataset.problem }));
}

async function waitForMembers(page, count, timeout = STEP_MS) {
  await page.waitForSelector(`#members[data-count="${count}"]`, { timeout });
  return page.textContent('#members');
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

async function waitForMessage(page, nick, text, timeout = STEP_MS) {
  await page.waitForFunction(
    ([n, t]) =>
      [...document.querySelectorAll('#messages li.message')].some(
        (li) => li.querySelector('.nick').textContent === n && li.querySelector('.text').textContent === t,
      ),
    [nick, text],
    { timeout },
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

function status(page) {
  return page.$eval('#status', (s) => ({ state: s.dataset.state, label: s.textContent }));
}

async function shot(page, file) {
  await page.screenshot({ path: path.join(shots, file), timeout: STEP_MS });
  screenshots.push(file);
}

async function scenario(browser) {
  const result = { refused: {}, chat: {}, tooLong: {}, drop: {} };
  const ada = await open(browser, 'ada', { width: 900, height: 640 });
  const grace = await open(browser, 'grace', { width: 390, height: 640 }); // phone-sized
  result.userAgent = await ada.evaluate(() => navigator.userAgent);
  result.clientLoaded = await ada.evaluate(() => typeof io === 'function' && typeof io.Manager === 'function');

  // 1. The server's middleware refuses an empty and a too-long nickname; the page says why.
  await join(ada, '', 'lobby');
  result.refused.empty = await refusal(ada);
  await join(ada, 'x'.repeat(33), 'lobby');
  await ada.waitForFunction(() => document.querySelector('#join-error').dataset.problem === 'too-long', null, {
    timeout: STEP_MS,
  });
  result.refused.tooLong = await refusal(ada);
  result.refused.chatHidden = await ada.$eval('#chat', (c) => c.hidden);

  // 2. Both join #lobby and see two members.
  await join(ada, 'ada', 'lobby');
  await joined(ada);
  await join(grace, 'grace', 'lobby');
  await joined(grace);
  result.chat.adaMembers = await waitForMembers(ada, 2);
  result.chat.graceMembers = await waitForMembers(grace, 2);
  result.chat.roomTitle = await grace.textContent('#room-title');

  // 3. Typing notice, then messages both ways; markup stays text.
  await ada.fill('#text', 'Hello Grace');
  await grace.waitForFunction(() => document.querySelector('#typing').textContent.includes('ada is typing'), null, {
    timeout: STEP_MS,
  });
  result.chat.typingSeen = await grace.textContent('#typing');
  await ada.press('#text', 'Enter');
  await waitForMessage(grace, 'ada', 'Hello Grace');
  await waitForMessage(ada, 'ada', 'Hello Grace'); // the sender's copy: from its ack
  const hostile = '<img src=x onerror="window.__pwned=1"> Hi Ada — ça va?';
  await say(grace, hostile);
  await waitForMessage(ada, 'grace', hostile);
  await waitForMessage(grace, 'grace', hostile);
  result.chat.adaMessages = await messages(ada);
  result.chat.graceMessages = await messages(grace);
  result.chat.markupEscaped = await ada.evaluate(
    () => window.__pwned === undefined && document.querySelector('#messages img') === null,
  );
  result.chat.adaInputCleared = await ada.inputValue('#text');

  // 4. A message over the limit is answered with an ack error, shown; it stays in the field.
  await say(ada, 'y'.repeat(2500));
  await ada.waitForFunction(() => document.querySelector('#notice').textContent !== '', null, { timeout: STEP_MS });
  result.tooLong.notice = await ada.textContent('#notice');
  result.tooLong.kept = (await ada.inputValue('#text')).length;
  await ada.fill('#text', '');

  // 5. Grace's network drops. Chromium's offline mode fails new requests but leaves an open
  // WebSocket alone, so the transport is closed as a lost network would (socket.io-client
  // closes it itself on the page's "offline" event when that comes first); its reconnection
  // attempts then fail until the network is back. The server sees her go (Ada's count drops),
  // Ada talks, and Grace's page must come back as the same socket with the missed message.
  await grace.waitForFunction(() => window.chatSocket.io.engine.transport.name === 'websocket', null, {
    timeout: STEP_MS,
  }); // so the close reaches the server at once, over the open WebSocket
  result.drop.idBefore = await grace.evaluate(() => window.chatSocket.id);
  await grace.context().setOffline(true);
  await grace.evaluate(() => {
    const engine = window.chatSocket.io.engine;
    if (engine.readyState === 'open') engine.close();
  });
  await grace.waitForSelector('#status[data-state="reconnecting"]', { timeout: STEP_MS });
  result.drop.graceWhileCut = await status(grace);
  result.drop.adaMembersWhileCut = await waitForMembers(ada, 1);
  await say(ada, 'While you were away');
  await waitForMessage(ada, 'ada', 'While you were away'); // stored: its ack is back
  await grace.context().setOffline(false);
  await grace.waitForSelector('#status[data-state="recovered"]', { timeout: RECONNECT_MS });
  await waitForMessage(grace, 'ada', 'While you were away');
  result.drop.graceAfter = await status(grace);
  result.drop.recovered = await grace.evaluate(() => window.chatSocket.recovered);
  result.drop.idAfter = await grace.evaluate(() => window.chatSocket.id);
  result.drop.adaMembersAfter = await waitForMembers(ada, 2);
  result.drop.graceMembersAfter = await waitForMembers(grace, 2);
  // And live again, both ways.
  await say(grace, 'Back, nothing lost');
  await waitForMessage(ada, 'grace', 'Back, nothing lost');
  await waitForMessage(grace, 'grace', 'Back, nothing lost');
  result.drop.adaMessages = await messages(ada);
  result.drop.graceMessages = await messages(grace);
  result.drop.graceSystem = await systemLines(grace);
  await shot(ada, 'socketio-ada.png');
  await shot(grace, 'socketio-grace-recovered.png');

  // 6. Grace leaves: Ada's count drops to one.
  await grace.click('#leave-button');
  await grace.waitForSelector('#join-form:not([hidden])', { timeout: STEP_MS });
  result.leave = { adaMembers: await waitForMembers(ada, 1), graceStatus: await status(grace) };
  result.cdnRequests = cdnRequests;
  return result;
}

runScenario({
  script: 'socketio-e2e.js',
  profilePrefix: 'duplex-socketio-e2e-',
  shots,
  limitMs: 80000,
  report: { screenshots, pageErrors },
  scenario,
  describePages: () => describePages(openPages, { status: '#status', members: '#members', notice: '#notice', joinError: '#join-error' }, '#messages li'),
});
