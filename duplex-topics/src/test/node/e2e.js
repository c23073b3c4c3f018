'use strict';
// Browser test of topics.js in Debian's Chromium, driven by playwright-core (which never downloads
// a browser). Started by TopicsBrowserTest.java:
//
//   node e2e.js <server-url>
//
// The page (e2e.html, served by the Duplex server next to the shipped topics.js) subscribes to
// "feed". The script publishes and reads history from the page, then asks the Java side
// ({"event":...} on stdout, answered on stdin) to publish 3,000 publications in three runs, the
// first two cutting the page's connection midway ("publish" with from/to/dropAt, answered
// "published"), and checks in the page that every
// offset arrived exactly once and in order, recovered. Then it asks for a server restart with a
// fresh engine ("restart" / "restarted"): the page must be told it was not recovered, with the new
// epoch, and receive the next publication. Last, two more clients of the page show presence: join
// and leave events, stats, member pages and a refusal. The outcome is one JSON
// line {"event":"result", ...} on stdout. Every wait has a timeout.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
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
const STEP_MS = 15000; // the longest any single wait may take
const TOTAL = 3000; // publications of the drop phase (TopicsBrowserTest publishes as many)

const [base] = process.argv.slice(2);
if (!base) {
  process.stderr.write('usage: node e2e.js <server-url>\n');
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

function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

function ask(event, answer, details = {}) {
  emit({ event, ...details });
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

// --- the scenario ----------------------------------------------------------------------------

const pageErrors = [];

function waitFor(page, predicate, arg) {
  return page.waitForFunction(predicate, arg, { timeout: STEP_MS, polling: 10 });
}

/** Milliseconds from each loss of the connection to the next subscribe answer, as the page saw them. */
function resumeTimes(record) {
  const times = [];
  for (const lost of record.states.filter((s) => s.state === 'reconnecting')) {
    const next = record.subscribed.find((s) => s.at > lost.at);
    if (next) times.push(Math.round(next.at - lost.at));
  }
  return times;
}

async function scenario(browser) {
  const result = {};
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => process.stderr.write(`[page] console.${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => {
    process.stderr.write(`[page] page error: ${e.message}\n`);
    pageErrors.push(e.message);
  });
  await page.goto(new URL('e2e.html', base).href, { timeout: STEP_MS });
  result.userAgent = await page.evaluate(() => navigator.userAgent);

  // 1. Subscribed; publish, history and a refusal from the page.
  await waitFor(page, () => window.record.subscribed.length === 1);
  result.first = await page.evaluate(() => window.record.subscribed[0]);
  result.probe = await page.evaluate(async () => {
    const position = await window.client.publish('probe', { from: 'browser' });
    const page = await window.client.history('probe', { limit: 10 });
    let refusal = null;
    try {
      await window.client.publish('no spaces allowed', 1);
    } catch (e) {
      refusal = { name: e.name, code: e.code, error: e.error };
    }
    return { position, history: page.publications.map((p) => ({ position: p.position, data: p.data })), refusal };
  });

  // 2. The Java side publishes while it cuts the connection twice, each cut in the middle of a
  //    run of publications; the second run starts once the page has resumed from the first cut.
  await ask('publish', 'published', { from: 1, to: 1500, dropAt: 1000 });
  await waitFor(page, () => window.record.subscribed.length === 2);
  await ask('publish', 'published', { from: 1501, to: 2500, dropAt: 2000 });
  await waitFor(page, () => window.record.subscribed.length === 3);
  await ask('publish', 'published', { from: 2501, to: TOTAL, dropAt: 0 });
  await waitFor(page, (total) => window.record.offsets.length >= total && window.client.state === 'open', TOTAL);
  result.drops = await page.evaluate(() => {
    const r = window.record;
    return {
      count: r.offsets.length,
      inOrderOnce: r.offsets.every((offset, i) => offset === i + 1),
      epochs: [...new Set(r.epochs)],
      subscribed: r.subscribed,
      interrupted: r.interrupted,
      errors: r.errors,
      closeCodes: r.states.filter((s) => s.state === 'reconnecting').map((s) => s.code),
    };
  });
  result.drops.resumeMs = resumeTimes(await page.evaluate(() => window.record));

  // 3. A restart with a fresh engine: not recovered, new epoch, and the stream goes on from there.
  const before = result.drops.subscribed.length;
  await ask('restart', 'restarted');
  await waitFor(page, (n) => window.record.subscribed.length > n, before);
  result.restart = { subscribed: await page.evaluate((n) => window.record.subscribed[n], before) };
  await ask('publish', 'published', { from: 1, to: 1, dropAt: 0 });
  await waitFor(page, (total) => window.record.offsets.length > total, TOTAL);
  result.restart.after = await page.evaluate((total) => {
    const r = window.record;
    return { offsets: r.offsets.slice(total), epochs: r.epochs.slice(total), errors: r.errors };
  }, TOTAL);
  // 4. Presence: two more clients of the page, the watcher asking for events; the other one
  //    joins and closes. Last, so that no connection of theirs is open while the Java side counts
  //    the connections it cuts. Every wait is a promise a handler resolves (the watchdog bounds them).
  result.presence = await page.evaluate(async () => {
    const url = (user) => new URL(`topics?user=${user}`, location.href).href.replace(/^http/, 'ws');
    const events = [];
    const waiters = [];
    const seen = (event) => {
      events.push(event);
      for (const w of waiters.splice(0)) if (!w(event)) waiters.push(w);
    };
    const until = (test) =>
      new Promise((resolve) => {
        if (events.some(test)) resolve();
        else waiters.push((e) => (test(e) ? (resolve(), true) : false));
      });
    const watcher = window.connectAs(url('watcher'));
    const answered = new Promise((resolve) =>
      watcher.subscribe('room.e2e', {
        presence: true,
        onSubscribed: resolve,
        onJoin: ({ member, user }) => seen({ type: 'join', user: member.user, info: member.info, first: user }),
        onLeave: ({ member, user }) => seen({ type: 'leave', user: member.user, last: user }),
      }),
    );
    await answered;
    const bob = window.connectAs(url('bob'));
    const bobAnswered = new Promise((resolve) => bob.subscribe('room.e2e', { onSubscribed: resolve }));
    await bobAnswered;
    await until((e) => e.type === 'join' && e.user === 'bob');
    const stats = await watcher.presenceStats('room.e2e');
    const members = await watcher.presence('room.e2e', { limit: 1 });
    const more = await watcher.presence('room.e2e', { cursor: members.cursor, limit: 1 });
    let refusal = null;
    try {
      await watcher.presence('feed');
    } catch (e) {
      refusal = { name: e.name, code: e.code, error: e.error };
    }
    bob.close();
    await until((e) => e.type === 'leave' && e.user === 'bob');
    watcher.close();
    return {
      events: events.filter((e) => e.user === 'bob'),
      stats: { connections: stats.connections, users: stats.users },
      users: [...members.members, ...more.members].map((m) => m.user).sort(),
      lastCursor: more.cursor,
      refusal,
    };
  });

  await page.evaluate(() => window.client.close());
  result.finalState = await page.evaluate(() => window.client.state);
  return result;
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-topics-e2e-'));
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      ignoreDefaultArgs: true,
      args: [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe'],
      timeout: 30000,
    });
    const result = await scenario(browser);
    emit({ event: 'result', ok: true, ...result, pageErrors });
  } finally {
    if (browser) await browser.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  emit({ event: 'result', ok: false, error: 'e2e.js timed out after 80 s', pageErrors });
  process.exit(2);
}, 80000);
main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (e) => {
    emit({ event: 'result', ok: false, error: String((e && e.stack) || e), pageErrors });
    process.exit(1);
  },
);
