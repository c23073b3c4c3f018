'use strict';
// End-to-end test of the chat demo on two nodes sharing one Redis, in Debian's Chromium driven by
// playwright-core. Started by ChatRedisE2ETest.java:
//
//   node redis-e2e.js <grace-url> <screenshot-dir>
//
// <grace-url> is a tunnel to node B that the Java side can cut. Ada, a Java client on node A, keeps
// talking the whole time (m1, m2, …). Grace's page on node B joins the room; then, while messages
// flow, the script asks the Java side (one JSON line on stdout, answered by one line on stdin) to
// cut Grace's connection, restart node B on the same port and let her back in: she must resume
// and catch up; then to restart Redis, which keeps its append-only file: she must see every
// message once, in order, with no reload; last, to cut her again, restart Redis without its data
// and let her back in: her page must say it could not catch up and reload the room. A wrapper
// around the page's WebSocket checks every frame: after each `subscribed` (less its `replayed`) or
// `interrupted`, `message`s carry consecutive offsets. The outcome is one JSON line
// {"event":"result", ...} on stdout. Every wait has a timeout.
const path = require('node:path');
const readline = require('node:readline');
const { emit, runScenario } = require('./browser-run');

const STEP_MS = 15000; // the longest any single wait may take
const RECONNECT_MS = 20000; // backoff is capped at 8 s, so a rejoin takes well under this

const [graceBase, shots] = process.argv.slice(2);
if (!graceBase || !shots) {
  process.stderr.write('usage: node redis-e2e.js <grace-url> <screenshot-dir>\n');
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

/** Asks the Java side for `event`; resolves with the rest of its answer after the word `answer`. */
function ask(event, answer) {
  emit({ event });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${answer}" from the test within ${STEP_MS} ms`)), STEP_MS);
    const take = (line) => {
      clearTimeout(timer);
      const [word, ...rest] = line.trim().split(' ');
      if (word === answer) resolve(rest.join(' '));
      else reject(new Error(`expected "${answer}", got "${line}"`));
    };
    if (lines.length) take(lines.shift());
    else waiters.push(take);
  });
}

// --- the page --------------------------------------------------------------------------------

// Runs in the page before chat.js: every frame the page receives is checked for gaps and
// duplicates in the room's stream, per connection.
function watchTheWire() {
  const Native = window.WebSocket;
  window.__wire = { frames: 0, connections: 0, violations: [] };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__wire.connections++;
      let at = null;
      this.addEventListener('message', (event) => {
        let m;
        try {
          m = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        window.__wire.frames++;
        if (m.type === 'subscribed') {
          at = { epoch: m.epoch, offset: m.offset - m.replayed };
        } else if (m.type === 'interrupted') {
          at = { epoch: m.epoch, offset: m.offset };
        } else if (m.type === 'message' || m.type === 'skipped') {
          if (!at || m.epoch !== at.epoch || m.offset !== at.offset + 1) {
            const before = at ? `${at.offset}@${at.epoch}` : 'no subscribed';
            window.__wire.violations.push(`after ${before} came ${m.offset}@${m.epoch} ${m.text}`);
          }
          at = { epoch: m.epoch, offset: m.offset };
        }
      });
    }
  };
}

const pageErrors = [];
const screenshots = [];

async function openGrace(browser) {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  await context.addInitScript(watchTheWire);
  const page = await context.newPage();
  page.on('console', (m) => process.stderr.write(`[grace] console.${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => {
    process.stderr.write(`[grace] page error: ${e.message}\n`);
    pageErrors.push(e.message);
  });
  await page.goto(graceBase, { timeout: STEP_MS });
  return page;
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
}

async function join(page, nick, room) {
  await page.waitForSelector('#status[data-state="open"]', { timeout: STEP_MS });
  await page.fill('#nick', nick);
  await page.fill('#room', room);
  await page.click('#join-button');
  await page.waitForSelector('#chat:not([hidden])', { timeout: STEP_MS });
}

function waitForText(page, text, timeout = STEP_MS) {
  return page.waitForFunction(
    (t) => [...document.querySelectorAll('#messages li.message .text')].some((s) => s.textContent === t),
    text,
    { timeout },
  );
}

function waitForMessages(page, count) {
  return page.waitForFunction((n) => document.querySelectorAll('#messages li.message').length >= n, count, {
    timeout: STEP_MS,
  });
}

async function waitForSystemLine(page, prefix, timeout) {
  await page.waitForFunction(
    (p) => [...document.querySelectorAll('#messages li.system')].some((li) => li.textContent.startsWith(p)),
    prefix,
    { timeout },
  );
}

/** What the page shows: messages with their positions, system lines, state, and the wire check. */
function snapshot(page) {
  return page.evaluate(() => ({
    messages: [...document.querySelectorAll('#messages li.message')].map((li) => ({
      epoch: li.dataset.epoch,
      offset: Number(li.dataset.offset),
      nick: li.querySelector('.nick').textContent,
      text: li.querySelector('.text').textContent,
    })),
    system: [...document.querySelectorAll('#messages li.system')].map((li) => li.textContent),
    reloaded: [...document.querySelectorAll('#messages li.system.reloaded')].map((li) => li.textContent),
    state: document.querySelector('#status').dataset.state,
    wire: window.__wire,
  }));
}

async function cutGrace(grace) {
  await ask('cut-grace', 'cut');
  await grace.waitForSelector('#status[data-state="reconnecting"]', { timeout: STEP_MS });
}

// --- the scenario ----------------------------------------------------------------------------

async function scenario(browser) {
  const result = {};
  const grace = await openGrace(browser);
  await join(grace, 'grace', 'lobby');
  await ask('start-talking', 'talking');
  await waitForMessages(grace, 3);
  // 0. The member list spans both nodes (presence in Redis): Ada is on node A, Grace on node B.
  await waitForPresence(grace, ['ada', 'grace']);

  // 1. Grace's network drops and node B restarts meanwhile; she comes back to the new node B and
  // catches up from her position (the stream is in Redis, not in the node).
  await cutGrace(grace);
  await ask('restart-b', 'restarted');
  await ask('flowing', 'flowing'); // Ada said at least one more while Grace was away: she missed it
  await ask('resume-grace', 'resumed');
  await waitForSystemLine(grace, 'Reconnected: back in #lobby', RECONNECT_MS);
  await waitForText(grace, await ask('flowing', 'flowing'));
  result.afterNodeRestart = await snapshot(grace);

  // 2. Redis restarts and keeps its data: the epoch stays, what node B missed is filled in.
  await ask('restart-redis', 'restarted');
  await waitForText(grace, await ask('flowing', 'flowing'));
  result.afterRedisRestart = await snapshot(grace);
  await grace.screenshot({ path: path.join(shots, 'redis-caught-up.png'), timeout: STEP_MS });
  screenshots.push('redis-caught-up.png');

  // 3. Grace is away while Redis restarts without its data: she cannot be caught up, and says so.
  await cutGrace(grace);
  await ask('wipe-redis', 'restarted');
  await ask('flowing', 'flowing'); // the new epoch has begun before Grace is back
  await ask('resume-grace', 'resumed');
  await grace.waitForSelector('#messages li.system.reloaded', { timeout: RECONNECT_MS });
  await waitForText(grace, await ask('end', 'ended'));
  result.afterWipe = await snapshot(grace);
  await grace.screenshot({ path: path.join(shots, 'redis-reloaded.png'), timeout: STEP_MS });
  screenshots.push('redis-reloaded.png');
  return result;
}

runScenario({
  script: 'redis-e2e.js',
  profilePrefix: 'duplex-chat-redis-e2e-',
  shots,
  limitMs: 55000, // the Java side gives the whole run 60 s; this ends a little before
  report: { screenshots, pageErrors },
  scenario,
});
