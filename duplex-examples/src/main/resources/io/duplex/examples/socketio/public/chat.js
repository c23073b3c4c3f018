'use strict';
// The Socket.IO chat page: plain JS on the official socket.io browser client (the global `io`).
// The server (io.duplex.examples.socketio.SocketIoChat) takes the nickname from the handshake's
// auth, answers `join` and `message` with acks, sends `message`, `members` and `typing` events,
// and has connection state recovery on: after a short drop the same socket comes back
// (`socket.recovered`) and the server sends what was missed, so the page keeps its list; after a
// longer one (or a server restart) the page is a new socket and joins its room again, reloading it.

(() => {
  const $ = (id) => document.getElementById(id);
  const ACK_MS = 10000; // how long an ack may take before the page says the server did not answer
  const TYPING_EVERY_MS = 2000; // at most one typing notice out per this long
  const TYPING_SHOWN_MS = 3000; // a typing notice in is shown this long

  let socket = null;
  let nick = '';
  let room = '';
  let joined = false; // whether this page has been in `room` (a new socket then rejoins it)
  let seen = new Set(); // message ids shown, so a message is never shown twice
  let typingOut = 0;
  let typingTimer = null;

  function setStatus(state, label) {
    const status = $('status');
    status.dataset.state = state;
    status.textContent = label;
  }

  function notice(text) {
    $('notice').textContent = text;
  }

  function systemLine(text, kind) {
    const li = document.createElement('li');
    li.className = kind ? `system ${kind}` : 'system';
    li.textContent = text;
    $('messages').append(li);
    li.scrollIntoView({ block: 'end' });
  }

  /** Adds a message in id order (a live one may overtake the join's history), once. */
  function addMessage(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const li = document.createElement('li');
    li.className = m.nick === nick ? 'message mine' : 'message';
    li.dataset.id = String(m.id);
    const meta = document.createElement('span');
    meta.className = 'meta';
    const who = document.createElement('span');
    who.className = 'nick';
    who.textContent = m.nick;
    const time = document.createElement('time');
    time.dateTime = new Date(m.time).toISOString();
    time.textContent = new Date(m.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.append(who, time);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text; // text, never markup
    li.append(meta, text);
    const later = [...$('messages').querySelectorAll('li.message')].find((other) => Number(other.dataset.id) > m.id);
    $('messages').insertBefore(li, later || null);
    li.scrollIntoView({ block: 'end' });
  }

  function showMembers(count) {
    const members = $('members');
    members.hidden = false;
    members.dataset.count = String(count);
    members.textContent = count === 1 ? '1 member' : `${count} members`;
  }

  function showTyping(who) {
    $('typing').textContent = `${who} is typing…`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      $('typing').textContent = '';
    }, TYPING_SHOWN_MS);
  }

  function showJoinForm(error) {
    $('chat').hidden = true;
    $('join-form').hidden = false;
    $('members').hidden = true;
    $('room-title').textContent = '';
    $('join-error').textContent = error || '';
  }

  /** Joins `room` on this socket: the ack brings the member count and the recent messages. */
  function joinRoom() {
    socket.timeout(ACK_MS).emit('join', room, (err, reply) => {
      if (err) {
        notice('The server did not answer the join: try again.');
        return;
      }
      if (reply.error) {
        if (joined) notice(reply.error);
        else leave(reply.error);
        return;
      }
      const rejoin = joined;
      joined = true;
      // A new socket: whatever the page had may be incomplete, so the room is shown afresh.
      $('messages').replaceChildren();
      seen = new Set();
      reply.history.forEach(addMessage);
      showMembers(reply.members);
      $('room-title').textContent = `#${reply.room}`;
      $('join-form').hidden = true;
      $('chat').hidden = false;
      if (rejoin) systemLine(`Reconnected as a new connection: #${reply.room} reloaded.`, 'reloaded');
      $('text').focus();
    });
  }

  function connect() {
    setStatus('connecting', 'connecting…');
    const s = io({ auth: { nick }, reconnectionDelayMax: 4000 });
    socket = s;
    window.chatSocket = s; // for the browser console (and the end-to-end test)
    // Events of a socket this page has left behind (Leave, or joined again) are ignored.
    const on = (event, handler) => s.on(event, (...args) => s === socket && handler(...args));

    on('connect', () => {
      $('join-error').textContent = '';
      if (s.recovered) {
        // Same socket, still in its room: the server sends what was missed as ordinary events.
        setStatus('recovered', 'connected · recovered');
        systemLine('Connection recovered: missed messages delivered.', 'recovered');
        return;
      }
      setStatus('connected', 'connected');
      joinRoom();
    });
    on('connect_error', (err) => {
      if (s.active) {
        // A network failure: the client retries by itself.
        setStatus('reconnecting', 'reconnecting…');
        return;
      }
      // Refused by the server's middleware (err.data says which rule): no retry.
      socket = null;
      joined = false;
      setStatus('refused', 'refused');
      showJoinForm(err.message);
      $('join-error').dataset.problem = (err.data && err.data.problem) || '';
    });
    on('disconnect', () => {
      if (s.active) setStatus('reconnecting', 'reconnecting…');
      else setStatus('disconnected', 'disconnected');
    });
    // With recovery on, each event carries its offset as a last argument: only the first is read.
    on('message', (m) => addMessage(m));
    on('members', (m) => {
      if (m.room === room) showMembers(m.count);
    });
    on('typing', (t) => showTyping(t.nick));
  }

  function leave(error) {
    const s = socket;
    socket = null; // first: its disconnect event is then ignored
    if (s) s.disconnect();
    joined = false;
    setStatus('disconnected', 'disconnected');
    showJoinForm(error);
  }

  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (typeof io !== 'function') {
      $('join-error').textContent = 'The socket.io client could not be loaded from cdn.socket.io.';
      return;
    }
    const previous = socket;
    socket = null;
    if (previous) previous.disconnect();
    nick = $('nick').value;
    room = $('room').value.trim();
    joined = false;
    $('join-error').textContent = '';
    connect();
  });

  $('send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value;
    if (!socket || !text.trim()) return;
    socket.timeout(ACK_MS).emit('message', text, (err, reply) => {
      if (err) {
        notice('The server did not answer: the message may not have been sent.');
      } else if (reply.error) {
        notice(reply.error); // kept in the field, to shorten and send again
      } else {
        notice('');
        addMessage(reply.message);
        if ($('text').value === text) $('text').value = '';
      }
    });
  });

  $('text').addEventListener('input', () => {
    const now = Date.now();
    if (socket && socket.connected && now - typingOut > TYPING_EVERY_MS) {
      typingOut = now;
      socket.emit('typing');
    }
  });

  $('leave-button').addEventListener('click', () => leave());
})();
