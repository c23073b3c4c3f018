// Duplex topics: the browser client of the topics wire protocol, version 1 (docs/topics-protocol.md
// in the Duplex repository). One ES module, no dependencies, no build step.
//
//   import { connect } from './topics.js';
//   const client = connect('wss://example.com/topics', { onStateChange: (s) => console.log(s) });
//   client.subscribe('chat.lobby', {
//     onSubscribed: ({ recovered }) => { if (!recovered) reloadState(); },
//     onPublication: ({ position, data }) => show(data),
//   });
//   const position = await client.publish('chat.lobby', { text: 'hi' });
//
// The client reconnects by itself (exponential backoff with full jitter) and subscribes to every
// topic again from the last position it handed to that topic's handlers, so a page sees every
// publication once and in order across connection drops (recovered: true), or is told it was not
// recovered (the server lost its history: a new epoch) and should reload its state.
//
// Handlers run from the WebSocket's message events, one at a time, in the order the server sent
// them: a topic's publications arrive in offset order.

/** The subprotocol offered to the server. */
export const SUBPROTOCOL = 'duplex.topics.v1';

/** The connection states told to onStateChange. */
export const State = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

const DEFAULTS = Object.freeze({
  initialDelay: 500, // ms, the first backoff ceiling
  maxDelay: 30000, // ms, the largest backoff ceiling
  maxAttempts: 0, // attempts in a row before giving up; 0: never give up
  tryAgainLaterDelay: 5000, // ms, the least delay after a 1013 Try Again Later close
});

// Closes after which reconnecting cannot help: a deliberate close by the server, or a protocol bug.
const FINAL_CLOSES = new Set([1000, 1002, 1003, 1007, 1009, 1010]);
const NOT_SUBSCRIBED = 4008;
/** The server cannot serve it now (starting, or its store unreachable): ask again, with backoff. */
const UNAVAILABLE = 5001;

/** The server refused a request: act on `code` (stable, see the protocol's error table). */
export class TopicsError extends Error {
  constructor(code, error, message) {
    super(`${error} (${code}): ${message}`);
    this.name = 'TopicsError';
    this.code = code;
    this.error = error;
  }
}

/**
 * A request's reply cannot come: the connection dropped (or was never there, or the client was
 * closed) first. A publish that fails this way may still have been stored: retrying it is
 * at-least-once.
 */
export class ConnectionLostError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

/**
 * The backoff before attempt `attempt` (from 1): uniform in [0, min(maxDelay, initialDelay ×
 * 2^(attempt-1))] ("full jitter", which spreads clients out after a server restart), at least `floor`.
 */
export function backoff(attempt, options, floor = 0, random = Math.random) {
  const ceiling = Math.min(options.maxDelay, options.initialDelay * 2 ** Math.min(attempt - 1, 30));
  return Math.max(floor, Math.round(random() * ceiling));
}

/**
 * Opens a client of the topics route at `url` (ws:// or wss://, or a path resolved against the page).
 *
 * options: initialDelay, maxDelay, maxAttempts, tryAgainLaterDelay (see DEFAULTS above),
 * onStateChange(state, detail) for 'connecting' | 'open' | 'reconnecting' | 'closed',
 * WebSocket (a constructor, by default the global one), random (by default Math.random).
 */
export function connect(url, options = {}) {
  return new TopicsClient(url, options);
}

class TopicsClient {
  #url;
  #options;
  #WebSocket;
  #ws = null;
  #state = State.CONNECTING;
  #closed = false;
  #attempt = 0;
  #timer = null;
  #nextId = 1;
  #topics = new Map(); // topic -> subscription
  #pending = new Map(); // id -> { kind, resolve, reject, subscription }

  constructor(url, options) {
    this.#url = resolveUrl(url);
    this.#options = { ...DEFAULTS, ...options };
    this.#WebSocket = options.WebSocket || globalThis.WebSocket;
    if (!this.#WebSocket) throw new Error('no WebSocket implementation: pass options.WebSocket');
    this.#open();
  }

  /** 'connecting', 'open', 'reconnecting' or 'closed'. */
  get state() {
    return this.#state;
  }

  /**
   * Subscribes to `topic`. handlers: onSubscribed({recovered, position, replayed}),
   * onPublication({topic, position, time, data}), onInterrupted({position}), onError(TopicsError),
   * onJoin({member, user}) and onLeave({member, user}) with member {client, user, info} and user
   * true for the user's first connection to join or last to leave. handlers.presence: true asks
   * for join and leave events (asked again on every resubscribe; events missed while disconnected
   * are not replayed, so reload a roster with presence() in onSubscribed).
   * opts.since: the last position the page processed (e.g. kept in storage), to resume from.
   * Returns a subscription: { topic, position (the last one handed to the handlers), unsubscribe() }.
   */
  subscribe(topic, handlers = {}, opts = {}) {
    if (this.#closed) throw new Error('the client is closed');
    if (this.#topics.has(topic)) throw new Error(`already subscribed to ${topic}`);
    const client = this;
    const subscription = {
      topic,
      handlers,
      position: opts.since || null,
      presence: handlers.presence === true || opts.presence === true,
      confirmed: false,
      active: true,
      unsubscribe() {
        return client.#unsubscribe(this);
      },
    };
    this.#topics.set(topic, subscription);
    if (this.#isOpen()) this.#sendSubscribe(subscription);
    return subscription;
  }

  /** Ends the subscription to `topic`; resolves on the server's answer (at once when not connected). */
  unsubscribe(topic) {
    const subscription = this.#topics.get(topic);
    return subscription ? this.#unsubscribe(subscription) : Promise.resolve();
  }

  /**
   * Publishes `data` (any JSON value) on `topic`. Resolves with its position once the server stored
   * it; rejects with a TopicsError when refused, or a ConnectionLostError when not connected or when
   * the connection drops before the acknowledgement (it may have been stored: at-least-once on retry).
   */
  publish(topic, data) {
    return this.#request('publish', { topic, data });
  }

  /**
   * Reads a page of history: opts.since (a position), opts.limit (0–10000, default 100),
   * opts.reverse (newest first). Resolves with { topic, latest, publications }.
   */
  history(topic, opts = {}) {
    const message = { topic };
    if (opts.since) message.since = opts.since;
    if (opts.limit !== undefined) message.limit = opts.limit;
    if (opts.reverse !== undefined) message.reverse = opts.reverse;
    return this.#request('history', message);
  }

  /**
   * A page of `topic`'s members: opts.cursor (the previous page's, for the next one), opts.limit
   * (1–1000, default 100). Resolves with { topic, members: [{client, user, info}], cursor } (cursor
   * null after the last page); rejects with a TopicsError (4010 NO_PRESENCE, 4004 BAD_REQUEST, 4030
   * FORBIDDEN) or a ConnectionLostError.
   */
  presence(topic, opts = {}) {
    const message = { topic };
    if (opts.cursor) message.cursor = opts.cursor;
    if (opts.limit !== undefined) message.limit = opts.limit;
    return this.#request('presence', message);
  }

  /** How many are present on `topic`: resolves with { topic, connections, users }. */
  presenceStats(topic) {
    return this.#request('presence_stats', { topic });
  }

  /** An application-level round trip: resolves on the server's pong. */
  ping() {
    return this.#request('ping', {});
  }

  /** Closes for good (1000); waiting requests reject with ConnectionLostError. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#failPending('the client was closed');
    const ws = this.#ws;
    this.#ws = null;
    if (ws) ws.close(1000);
    this.#setState(State.CLOSED);
  }

  // ---------------------------------------------------------------- connection

  #open() {
    let ws;
    try {
      ws = new this.#WebSocket(this.#url, [SUBPROTOCOL]);
    } catch (e) {
      // A malformed URL cannot get better by retrying.
      this.#closed = true;
      this.#setState(State.CLOSED, { error: String(e) });
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (ws !== this.#ws) return;
      this.#attempt = 0;
      this.#setState(State.OPEN);
      // Every topic again, from the last position its handlers saw.
      for (const subscription of this.#topics.values()) {
        subscription.confirmed = false;
        this.#sendSubscribe(subscription);
      }
    };
    ws.onmessage = (event) => {
      if (ws === this.#ws) this.#receive(event.data);
    };
    ws.onclose = (event) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#connectionLost(event.code);
    };
  }

  #connectionLost(code) {
    this.#failPending(`the connection closed (${code})`);
    for (const subscription of this.#topics.values()) subscription.confirmed = false;
    if (this.#closed) return;
    const attempt = ++this.#attempt;
    const { maxAttempts } = this.#options;
    if (FINAL_CLOSES.has(code) || (maxAttempts > 0 && attempt > maxAttempts)) {
      this.#closed = true;
      this.#setState(State.CLOSED, { code });
      return;
    }
    const floor = code === 1013 ? this.#options.tryAgainLaterDelay : 0;
    const delay = backoff(attempt, this.#options, floor, this.#options.random);
    this.#setState(State.RECONNECTING, { code, attempt, delay });
    this.#timer = setTimeout(() => {
      if (!this.#closed) this.#open();
    }, delay);
  }

  #isOpen() {
    return this.#ws !== null && this.#ws.readyState === 1; // WebSocket.OPEN
  }

  #setState(state, detail = {}) {
    if (this.#state === state && state !== State.RECONNECTING) return;
    this.#state = state;
    if (this.#options.onStateChange) this.#options.onStateChange(state, detail);
  }

  #failPending(why) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      if (p.kind === 'unsubscribe') p.resolve(); // a connection's subscriptions end with it
      else if (p.kind !== 'subscribe') p.reject(new ConnectionLostError(`${why} before the ${p.kind} reply`));
      // A subscribe is sent again on the next connection.
    }
  }

  // ---------------------------------------------------------------- requests

  #send(type, message) {
    const id = this.#nextId++;
    this.#ws.send(JSON.stringify({ type, id, ...message }));
    return id;
  }

  #sendSubscribe(subscription) {
    const message = { topic: subscription.topic };
    if (subscription.position) message.since = subscription.position;
    if (subscription.presence) message.presence = true;
    const id = this.#send('subscribe', message);
    subscription.attempt = id; // the newest subscribe sent for it (a retry must not duplicate one)
    this.#pending.set(id, { kind: 'subscribe', subscription });
  }

  #request(kind, message) {
    if (!this.#isOpen()) {
      return Promise.reject(new ConnectionLostError(this.#closed ? 'the client is closed' : 'not connected'));
    }
    return new Promise((resolve, reject) => {
      const id = this.#send(kind, message);
      this.#pending.set(id, { kind, resolve, reject });
    });
  }

  #unsubscribe(subscription) {
    if (!subscription.active) return Promise.resolve();
    subscription.active = false;
    if (this.#topics.get(subscription.topic) === subscription) this.#topics.delete(subscription.topic);
    if (!this.#isOpen()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const id = this.#send('unsubscribe', { topic: subscription.topic });
      this.#pending.set(id, { kind: 'unsubscribe', resolve, reject });
    });
  }

  // ---------------------------------------------------------------- server messages

  /** The request a reply answers, when it is of the kind expected (else the reply is not ours). */
  #take(id, kind) {
    const p = this.#pending.get(id);
    if (!p || (kind && p.kind !== kind)) return undefined;
    this.#pending.delete(id);
    return p;
  }

  /** The subscription a topic's stream message belongs to: answered on this connection, still ours. */
  #confirmed(topic) {
    const subscription = this.#topics.get(topic);
    return subscription && subscription.confirmed ? subscription : undefined;
  }

  #receive(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      console.warn('duplex-topics: unreadable message from the server', e);
      return;
    }
    switch (m.type) {
      case 'pub': {
        // Publications before the subscribe answer belong to an earlier subscription of the topic
        // on this connection (unsubscribed, then subscribed again), not to this one.
        const s = this.#confirmed(m.topic);
        if (!s) return;
        s.position = m.position;
        call(s.handlers.onPublication, publication(m.topic, m));
        return;
      }
      case 'subscribed': {
        const p = this.#take(m.id, 'subscribe');
        if (!p) return;
        const s = p.subscription;
        if (!s.active || this.#topics.get(s.topic) !== s) return; // ended meanwhile
        s.confirmed = true;
        s.retries = 0;
        s.position = m.position;
        call(s.handlers.onSubscribed, { recovered: m.recovered, position: m.position, replayed: m.replayed || 0 });
        return;
      }
      case 'interrupted': {
        const s = this.#confirmed(m.topic);
        if (!s) return;
        s.position = m.position;
        call(s.handlers.onInterrupted, { position: m.position });
        return;
      }
      case 'join':
      case 'leave': {
        // As for publications: only a subscription answered on this connection, and one that asked.
        const s = this.#confirmed(m.topic);
        if (!s || !s.presence) return;
        call(m.type === 'join' ? s.handlers.onJoin : s.handlers.onLeave, { member: m.member, user: m.user });
        return;
      }
      case 'presence':
        this.#take(m.id, 'presence')?.resolve({ topic: m.topic, members: m.members, cursor: m.cursor ?? null });
        return;
      case 'presence_stats':
        this.#take(m.id, 'presence_stats')?.resolve({ topic: m.topic, connections: m.connections, users: m.users });
        return;
      case 'published':
        this.#take(m.id, 'publish')?.resolve(m.position);
        return;
      case 'history':
        this.#take(m.id, 'history')?.resolve({
          topic: m.topic,
          latest: m.latest,
          publications: m.publications.map((item) => publication(m.topic, item)),
        });
        return;
      case 'unsubscribed':
        this.#take(m.id, 'unsubscribe')?.resolve();
        return;
      case 'pong':
        this.#take(m.id, 'ping')?.resolve();
        return;
      case 'error':
        this.#error(m);
        return;
      default:
      // A newer server's message: ignored, as the protocol asks.
    }
  }

  #error(m) {
    const error = new TopicsError(m.code, m.error, m.message);
    const p = this.#take(m.id);
    if (!p) {
      console.warn(`duplex-topics: the server reported ${error.message}`);
    } else if (p.kind === 'subscribe' && m.code === UNAVAILABLE) {
      // Transient: not a refusal. Asked again after a full-jitter delay (50 ms doubling, at most
      // 5 s) on the connection open then, unless unsubscribed or answered meanwhile.
      const s = p.subscription;
      const cap = Math.min(5000, 50 * 2 ** Math.min(s.retries || 0, 10));
      s.retries = (s.retries || 0) + 1;
      const attempt = s.attempt;
      setTimeout(() => {
        const current = s.active && this.#topics.get(s.topic) === s && s.attempt === attempt;
        if (current && this.#isOpen()) this.#sendSubscribe(s);
      }, 1 + Math.floor(Math.random() * cap));
    } else if (p.kind === 'subscribe') {
      const s = p.subscription;
      if (!s.active) return;
      s.active = false;
      if (this.#topics.get(s.topic) === s) this.#topics.delete(s.topic);
      call(s.handlers.onError, error);
    } else if (p.kind === 'unsubscribe' && m.code === NOT_SUBSCRIBED) {
      p.resolve(); // nothing to end, which is what was asked for
    } else {
      p.reject(error);
    }
  }
}

function publication(topic, m) {
  const data = m.encoding === 'base64' ? base64Bytes(m.data) : m.data;
  return { topic, position: m.position, time: m.time, data };
}

function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function call(handler, argument) {
  if (!handler) return;
  try {
    handler(argument);
  } catch (e) {
    // A throwing handler must not stop the stream for the others; the page still sees it.
    setTimeout(() => {
      throw e;
    });
  }
}

function resolveUrl(url) {
  if (/^wss?:\/\//i.test(url) || typeof location === 'undefined') return url;
  const resolved = new URL(url, location.href);
  resolved.protocol = resolved.protocol === 'https:' ? 'wss:' : 'ws:';
  return resolved.href;
}
