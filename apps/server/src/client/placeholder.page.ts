import { CANVAS_SIZE } from '@live-digits/shared';

/**
 * Served at `/` while the Vue client (apps/client) has not been built: a bare page that speaks the
 * same socket contract, enough to try the server by hand. The real page replaces it once built.
 */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>live-digits (server placeholder)</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 2rem; color: #222; }
  canvas { border: 1px solid #999; touch-action: none; cursor: crosshair; }
  .row { display: flex; gap: 2rem; align-items: flex-start; }
  td { padding: 2px 6px; } .bar { background: #4a7; height: 10px; } .top { font-weight: bold; }
</style>
</head>
<body>
<h1>live-digits</h1>
<p>The client page has not been built (<code>npm run build:client</code>); this placeholder talks to the same socket.</p>
<div class="row">
  <div><canvas id="pad" width="${CANVAS_SIZE}" height="${CANVAS_SIZE}"></canvas><br><button id="clear">Clear</button> <span id="status">connecting…</span></div>
  <table id="bars"></table>
</div>
<script src="/socket.io/socket.io.js"></script>
<script>
  const pad = document.getElementById('pad'), ctx = pad.getContext('2d'), bars = document.getElementById('bars');
  const status = document.getElementById('status');
  const socket = io({ transports: ['websocket', 'polling'] });
  let seq = 0, drawing = false, queued = false;
  function clear() { ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, ${CANVAS_SIZE}, ${CANVAS_SIZE}); send(true); }
  function send(final) {
    pad.toBlob(async (blob) => socket.emit('frame', { seq: ++seq, image: await blob.arrayBuffer(), final }), 'image/png');
  }
  function point(e) { const r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
  pad.addEventListener('pointerdown', (e) => { drawing = true; pad.setPointerCapture(e.pointerId); ctx.beginPath(); ctx.moveTo(...point(e)); });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineWidth = 24; ctx.lineCap = ctx.lineJoin = 'round'; ctx.strokeStyle = '#000';
    ctx.lineTo(...point(e)); ctx.stroke();
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; send(false); }); }
  });
  pad.addEventListener('pointerup', () => { drawing = false; send(true); });
  document.getElementById('clear').onclick = clear;
  socket.on('connect', () => (status.textContent = 'connected'));
  socket.on('disconnect', () => (status.textContent = 'disconnected'));
  socket.on('model', (m) => (status.textContent = 'model ' + m.modelId));
  socket.on('frame:error', (e) => (status.textContent = e.code + ': ' + e.message));
  socket.on('prediction', (p) => {
    bars.innerHTML = p.probabilities.map((v, d) =>
      '<tr class="' + (d === p.digit ? 'top' : '') + '"><td>' + d + '</td><td>' + (v * 100).toFixed(1) +
      '%</td><td><div class="bar" style="width:' + Math.round(v * 200) + 'px"></div></td></tr>').join('');
    status.textContent = p.empty ? 'empty canvas' : 'guess ' + p.digit + ' in ' + p.timings.totalMs + ' ms';
  });
  clear();
</script>
</body>
</html>
`;
