'use strict';
// The Duplex chat page: one WebSocket to /chat (protocol: docs/chat-protocol.md).
// Reconnects by itself with exponential backoff and full jitter, then rejoins its room with the
// room's last position it saw (epoch, offset): the server replays exactly the missed messages, or
// says it cannot, and then the page reloads the room's latest history.
// Every piece of user text reaches the page through textContent, never innerHTML.
(() => {
  const BACKOFF_BASE_MS = 500; // first retry within 0.5 s
  const BACKOFF_MAX_MS = 8000; // retries never wait more than 8 s
  const TYPING_EVERY_MS = 2000; // send "typing" at most this often
  const TYPING_SHOWN_MS = 3000; // show "x is typing" this long after the last one
  const NO_RETRY = new Set([1008, 4001]); // policy violation, replaced by a newer connection

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $('status'),
    roomTitle: $('room-title'),
    joinForm: $('join-form'),
    nick: $('nick'),
    room: $('room'),
    joinButton: $('join-button'),
    joinError: $('join-error'),
    chat: $('chat'),
    presence: $('presence'),
    count: $('count'),
    messages: $('messages'),
    typing: $('typing'),
    notice: $('notice'),
    sendForm: $('send-form'),
    text: $('text'),
    sendButton: $('send-button'),
    leaveButton: $('leave-button'),
  };

  let ws = null; // the current socket, or null between connections
  let state = 'connecting'; // connecting | open | reconnecting | closed
  let attempt = 0; // reconnection attempts since the last good connection
  let retryTimer = null;
  let session = null; // this connection's session id (from welcome)
  let wanted = null; // {room, nick} the user asked for; rejoined after every reconnect
  let membership = null; // {room, nick, session} once the server confirmed the join
  let joining = false; // a join is in flight
  let rejoining = false; // that join is an automatic one after a reconnect
  let position = null; // {room, epoch, offset}: the last place in the room's stream this page saw
  let joinedFrom = null; // the position the join in flight asked to resume from, or null
  let lastTypingSent = 0;
  const typists = new Map(); // nick -> timer
  const shown = new Set(); // epoch:offset of every message on screen: each is shown once
  // The room's members: the list the server sends once per join (`presence`), kept current by
  // `member-joined` / `member-left`. Those may arrive before the list (they are sent as they
  // happen, the list once it is read), so until it comes they are kept and then replayed on it.
  const members = new Map(); // lower-case nick -> nick, in the order shown
  let membersTotal = 0; // users in the room, named here or not
  let membersPending = null; // events that came before the list, or null once it is here

  // --- connection ---------------------------------------------------------------------------

  function setState(next, label) {
    state = next;
    ui.status.dataset.state = next;
    ui.status.textContent = label || next;
    document.body.dataset.connection = next;
    updateControls();
  }

  function connect() {
    retryTimer = null;
    if (attempt > 0) {
      setState('reconnecting', `reconnecting (attempt ${attempt})…`);
    } else {
      setState('connecting', 'connecting…');
    }
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`;
    let sock;
    try {
      sock = new WebSocket(url);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    sock.onopen = () => {
      if (ws === sock) setState('open', 'connected');
    };
    sock.onmessage = (event) => {
      if (ws !== sock) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return; // not ours to show
      }
      handle(msg);
    };
    sock.onclose = (event) => {
      if (ws !== sock) return;
      ws = null;
      session = null;
      joining = false;
      clearTypists();
      if (NO_RETRY.has(event.code)) {
        const why = event.code === 4001 ? 'opened again elsewhere' : event.reason || 'closed by the server';
        setState('closed', `disconnected: ${why}`);
        showReconnectOffer();
        return;
      }
      scheduleReconnect();
    };
  }

  // Exponential backoff with full jitter: wait a random time in [0, min(max, base * 2^n)), so a
  // server that restarts is not hit by every page at the same instant.
  function scheduleReconnect() {
    attempt += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 16));
    const delay = Math.floor(Math.random() * ceiling);
    setState('reconnecting', `reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt})`);
    retryTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      connect();
    }
  }

  function showReconnectOffer() {
    ui.notice.textContent = '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = 'Reconnect';
    button.addEventListener('click', () => {
      ui.notice.textContent = '';
      attempt = 0;
      connect();
    });
    ui.notice.append('Disconnected. ', button);
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  // --- server messages ----------------------------------------------------------------------

  function handle(msg) {
    switch (msg.type) {
      case 'welcome':
        session = msg.session;
        attempt = 0; // the server is back and talking: the next loss starts the backoff afresh
        if (wanted) join(true);
        break;
      case 'joined':
        if (joining && msg.room === wanted.room && sameNick(msg.nick, wanted.nick)) {
          joining = false;
          membership = { room: msg.room, nick: msg.nick, session, again: rejoining, from: joinedFrom };
          rejoining = false;
          membersPending = [];
          enterRoom();
        }
        break;
      case 'left': // our own leave confirmed
        if (membership && msg.room === membership.room && sameNick(msg.nick, membership.nick)) membership = null;
        break;
      case 'member-joined':
      case 'member-left':
        if (!inRoom(msg)) break;
        if (membersPending) membersPending.push(msg);
        else memberEvent(msg, true);
        break;
      case 'subscribed':
        if (inRoom(msg)) onSubscribed(msg);
        break;
      case 'history':
        if (inRoom(msg)) for (const m of msg.messages) addMessage(m);
        break;
      case 'message':
        if (!inRoom(msg)) break;
        stopTyping(msg.nick);
        addMessage(msg);
        advance(msg);
        break;
      case 'skipped': // a publication that is not a chat line: only its position matters
        if (inRoom(msg)) advance(msg);
        break;
      case 'interrupted':
        if (!inRoom(msg)) break;
        advance(msg);
        clearMessages();
        reloaded('Some messages could not be delivered: showing the latest ones again.');
        send({ type: 'history' });
        break;
      case 'presence':
        if (inRoom(msg)) onMemberList(msg);
        break;
      case 'typing':
        if (membership && msg.room === membership.room) startTyping(msg.nick);
        break;
      case 'error':
        onError(msg);
        break;
      default:
        break; // a newer server's message: ignore
    }
  }

  function onError(msg) {
    if (msg.code === 'bad_position' && membership) {
      // The server does not know the position we resumed from: join afresh (and get a history).
      position = null;
      join(true);
      return;
    }
    if (msg.code === 'nick_taken' && membership) {
      // Someone on another server took the nick at the same instant and the server gave way.
      wanted = null;
      membership = null;
      showJoinForm(msg.message || msg.code);
      return;
    }
    if (joining) {
      joining = false;
      rejoining = false;
      wanted = null;
      membership = null;
      showJoinForm(msg.message || msg.code);
      return;
    }
    ui.notice.textContent = msg.code === 'rate_limited' ? 'Slow down a little.' : msg.message || msg.code;
    setTimeout(() => {
      if (ui.notice.textContent && !ui.notice.querySelector('button')) ui.notice.textContent = '';
    }, 4000);
  }

  function sameNick(a, b) {
    return a.toLowerCase() === b.toLowerCase();
  }

  function inRoom(msg) {
    return membership !== null && msg.room === membership.room;
  }

  // The stream's messages come with consecutive offsets: the last one is where a rejoin resumes.
  function advance(msg) {
    position = { room: msg.room, epoch: msg.epoch, offset: msg.offset };
  }

  // The answer to our join on the room's stream: caught up, or not (then a history follows).
  function onSubscribed(msg) {
    const from = membership.from;
    advance(msg);
    membership.from = null;
    if (!membership.again) {
      system(`You joined #${membership.room} as ${membership.nick}`);
      return;
    }
    if (from && !msg.recovered) {
      // Another epoch (the server lost its history), or too much missed: what is on screen may
      // have gaps. Start again from the history the server sends next.
      clearMessages();
      system(`Reconnected: back in #${membership.room}`);
      reloaded('Missed messages could not be caught up: showing the latest ones.');
      return;
    }
    const n = msg.replayed;
    system(`Reconnected: back in #${membership.room}${n > 0 ? ` (${n} missed message${n === 1 ? '' : 's'} caught up)` : ''}`);
  }

  // Says, discreetly, that the conversation was cleared for the history that comes next.
  function reloaded(why) {
    const li = document.createElement('li');
    li.className = 'system reloaded';
    li.textContent = why;
    append(li);
  }

  function clearMessages() {
    ui.messages.replaceChildren();
    shown.clear();
  }

  // --- joining and leaving ------------------------------------------------------------------

  function join(automatic) {
    joining = true;
    rejoining = automatic && membership !== null;
    const message = { type: 'join', room: wanted.room, nick: wanted.nick };
    // After a network drop the server may still hold our nick for the old connection: the old
    // session id proves the nick is ours.
    if (membership && membership.session) message.resume = membership.session;
    // Resume the room's stream where we left it: the server replays exactly what we missed.
    joinedFrom = position && position.room === wanted.room ? { epoch: position.epoch, offset: position.offset } : null;
    if (joinedFrom) Object.assign(message, joinedFrom);
    send(message);
  }

  function enterRoom() {
    ui.joinForm.hidden = true;
    ui.chat.hidden = false;
    ui.roomTitle.textContent = `#${membership.room}`;
    document.title = `#${membership.room} · Duplex chat`;
    try {
      localStorage.setItem('duplex-chat-nick', membership.nick);
    } catch (e) {
      // storage may be disabled; the nick is only a convenience
    }
    ui.text.focus();
  }

  function showJoinForm(error) {
    ui.chat.hidden = true;
    ui.joinForm.hidden = false;
    ui.roomTitle.textContent = '';
    document.title = 'Duplex chat';
    ui.joinError.textContent = error || '';
    clearMessages();
    ui.presence.replaceChildren();
    ui.count.textContent = '';
    members.clear();
    membersTotal = 0;
    membersPending = null;
    position = null;
    clearTypists();
  }

  ui.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const nick = ui.nick.value.trim();
    const room = ui.room.value.trim().toLowerCase();
    if (!nick || !/^[a-z0-9-]{1,32}$/.test(room)) {
      ui.joinError.textContent = 'Pick a nickname and a room (a-z, 0-9 and -).';
      return;
    }
    ui.joinError.textContent = '';
    wanted = { room, nick };
    membership = null;
    position = null; // a join from the form starts afresh, with the room's history
    joinedFrom = null;
    if (!send({ type: 'join', room, nick })) {
      ui.joinError.textContent = 'Not connected yet: joining as soon as the connection is back.';
      return; // welcome will send it
    }
    joining = true;
    rejoining = false;
  });

  ui.leaveButton.addEventListener('click', () => {
    send({ type: 'leave' });
    wanted = null;
    membership = null;
    showJoinForm();
  });

  // --- conversation -------------------------------------------------------------------------

  ui.sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.text.value;
    if (!text.trim() || !membership) return;
    if (send({ type: 'message', text })) {
      ui.text.value = '';
      lastTypingSent = 0;
    }
  });

  ui.text.addEventListener('input', () => {
    const now = Date.now();
    if (membership && ui.text.value && now - lastTypingSent > TYPING_EVERY_MS) {
      if (send({ type: 'typing' })) lastTypingSent = now;
    }
  });

  // Messages are shown in stream order, each once: a history that arrives after live messages
  // (they travel separately) slots in before them.
  function addMessage(m) {
    const key = `${m.epoch}:${m.offset}`;
    if (shown.has(key)) return;
    shown.add(key);
    const li = document.createElement('li');
    li.className = 'message';
    li.dataset.epoch = m.epoch;
    li.dataset.offset = String(m.offset);
    if (membership && sameNick(m.nick, membership.nick)) li.classList.add('mine');
    const meta = document.createElement('span');
    meta.className = 'meta';
    const nick = document.createElement('span');
    nick.className = 'nick';
    nick.textContent = m.nick;
    const time = document.createElement('time');
    const when = new Date(m.ts);
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.append(nick, time);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    li.append(meta, text);
    const later = [...ui.messages.querySelectorAll('li.message')].find(
      (other) => other.dataset.epoch === m.epoch && Number(other.dataset.offset) > m.offset,
    );
    if (later) later.before(li);
    else append(li);
  }

  function system(text) {
    const li = document.createElement('li');
    li.className = 'system';
    li.textContent = text;
    append(li);
  }

  function append(li) {
    const list = ui.messages;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    while (list.children.length > 500) list.firstElementChild.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function onMemberList(msg) {
    members.clear();
    for (const n of msg.nicks) members.set(n.toLowerCase(), n);
    membersTotal = Math.max(msg.total, members.size);
    // Replayed in order on top of the list: the last event of each member is its state now.
    const pending = membersPending || [];
    membersPending = null;
    for (const e of pending) memberEvent(e, false);
    showPresence();
  }

  function memberEvent(msg, live) {
    const key = msg.nick.toLowerCase();
    const mine = sameNick(msg.nick, membership.nick);
    // The total moves with the list; a live leave of someone not named (past the list's cap) too.
    if (msg.type === 'member-joined') {
      if (!members.has(key)) {
        members.set(key, msg.nick);
        membersTotal++;
      }
      if (live && !mine) system(`${msg.nick} joined`);
    } else {
      if (members.delete(key) || (live && membersTotal > members.size)) membersTotal--;
      stopTyping(msg.nick);
      if (live && !mine) system(`${msg.nick} left`);
    }
    membersTotal = Math.max(membersTotal, members.size);
    if (live) showPresence();
  }

  function showPresence() {
    const items = [...members.values()].map((n) => {
      const li = document.createElement('li');
      li.textContent = n;
      if (membership && sameNick(n, membership.nick)) li.classList.add('me');
      return li;
    });
    const more = membersTotal - members.size;
    if (more > 0) {
      const li = document.createElement('li');
      li.className = 'more';
      li.textContent = `and ${more} more`;
      items.push(li);
    }
    ui.presence.replaceChildren(...items);
    ui.count.textContent = String(membersTotal);
  }

  function startTyping(nick) {
    clearTimeout(typists.get(nick));
    typists.set(nick, setTimeout(() => stopTyping(nick), TYPING_SHOWN_MS));
    showTypists();
  }

  function stopTyping(nick) {
    if (typists.has(nick)) {
      clearTimeout(typists.get(nick));
      typists.delete(nick);
      showTypists();
    }
  }

  function clearTypists() {
    for (const timer of typists.values()) clearTimeout(timer);
    typists.clear();
    showTypists();
  }

  function showTypists() {
    const names = [...typists.keys()];
    ui.typing.textContent =
      names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  }

  function updateControls() {
    const open = state === 'open';
    ui.sendButton.disabled = !open;
    ui.joinButton.disabled = state === 'closed';
  }

  // --- start --------------------------------------------------------------------------------

  try {
    const nick = localStorage.getItem('duplex-chat-nick');
    if (nick && !ui.nick.value) ui.nick.value = nick;
  } catch (e) {
    // no storage: no remembered nick
  }
  const fromHash = /^#([a-z0-9-]{1,32})$/.exec(location.hash);
  if (fromHash) ui.room.value = fromHash[1];
  // Back online (phones switching networks): do not wait out the backoff.
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectNow();
  });
  connect();
})();
