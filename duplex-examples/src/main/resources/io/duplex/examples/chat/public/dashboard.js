'use strict';
// The live dashboard: subscribes to the server's "metrics" topic over /metrics and redraws on
// every push (one a second per instance). Connections, message rates, handshakes and drops are
// what the server counts through its metrics listener (the source of its Prometheus metrics);
// messages said and rooms are the chat's own. Reconnects like the chat page: exponential backoff
// with full jitter. Room names come from users: they reach the page through textContent only.
(() => {
  const BACKOFF_BASE_MS = 500;
  const BACKOFF_MAX_MS = 8000;
  const STALE_MS = 5000; // an instance not heard from for this long no longer counts
  const HISTORY = 60;

  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const byInstance = new Map(); // instance -> {metrics, seen}
  const rates = []; // summed messages/s, oldest first
  let updates = 0;
  let attempt = 0;

  function setState(state, label) {
    status.dataset.state = state;
    status.textContent = label;
  }

  function connect() {
    setState(attempt ? 'reconnecting' : 'connecting', attempt ? `reconnecting (attempt ${attempt})…` : 'connecting…');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/metrics`);
    ws.onopen = () => {
      attempt = 0;
      setState('open', 'live');
    };
    ws.onmessage = (event) => {
      let m;
      try {
        m = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (m.type === 'metrics') show(m);
    };
    ws.onclose = () => {
      attempt += 1;
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 16));
      const delay = Math.floor(Math.random() * ceiling);
      setState('reconnecting', `reconnecting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(connect, delay);
    };
  }

  function show(m) {
    const now = Date.now();
    byInstance.set(m.instance, { metrics: m, seen: now });
    for (const [id, entry] of byInstance) {
      if (now - entry.seen > STALE_MS) byInstance.delete(id);
    }
    const live = [...byInstance.values()].map((e) => e.metrics);
    const sum = (f) => live.reduce((total, x) => total + f(x), 0);
    const rate = sum((x) => x.messagesPerSecond);
    const rooms = new Map();
    for (const x of live) {
      for (const r of x.rooms) rooms.set(r.name, (rooms.get(r.name) || 0) + r.members);
    }
    $('connections').textContent = String(sum((x) => x.connections));
    $('rate').textContent = rate.toFixed(1);
    $('total').textContent = String(sum((x) => x.messagesTotal));
    $('room-count').textContent = String(rooms.size);
    $('dashboards').textContent = String(sum((x) => x.dashboards));
    $('instances').textContent = String(live.length);
    // Older instances (a rolling upgrade) send none of these: they count as 0.
    $('in-rate').textContent = sum((x) => x.messagesInPerSecond || 0).toFixed(1);
    $('out-rate').textContent = sum((x) => x.messagesOutPerSecond || 0).toFixed(1);
    $('handshakes').textContent = String(sum((x) => x.handshakes || 0));
    $('rejected').textContent = String(sum((x) => x.handshakesRejected || 0));
    $('dropped').textContent = String(sum((x) => x.dropped || 0));
    const rows = [...rooms]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name, members]) => {
        const tr = document.createElement('tr');
        const nameCell = document.createElement('td');
        nameCell.textContent = `#${name}`;
        const countCell = document.createElement('td');
        countCell.textContent = String(members);
        tr.append(nameCell, countCell);
        return tr;
      });
    $('rooms').replaceChildren(...rows);
    updates += 1;
    $('updates').textContent = String(updates);
    const updated = $('updated');
    updated.dateTime = new Date(m.ts).toISOString();
    updated.textContent = new Date(m.ts).toLocaleTimeString();
    rates.push(rate);
    if (rates.length > HISTORY) rates.shift();
    draw();
  }

  function draw() {
    const canvas = $('spark');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth * ratio;
    const height = canvas.clientHeight * ratio;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, width, height);
    const top = Math.max(1, ...rates);
    const step = width / (HISTORY - 1);
    const x0 = width - (rates.length - 1) * step;
    g.beginPath();
    rates.forEach((r, i) => {
      const x = x0 + i * step;
      const y = height - 4 * ratio - (r / top) * (height - 8 * ratio);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.strokeStyle = '#2f6fed';
    g.lineWidth = 2 * ratio;
    g.stroke();
    g.lineTo(x0 + (rates.length - 1) * step, height);
    g.lineTo(x0, height);
    g.closePath();
    g.fillStyle = 'rgba(47, 111, 237, 0.12)';
    g.fill();
    g.fillStyle = '#6b7280';
    g.font = `${11 * ratio}px system-ui, sans-serif`;
    g.fillText(`max ${top.toFixed(1)}/s`, 6 * ratio, 14 * ratio);
  }

  connect();
})();
