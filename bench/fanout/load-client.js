// One load client for both fan-out targets, so Pulse's live stream and the Socket.IO peer are
// measured by the same client. Several processes can split one run with --offset.
//
//   node load-client.js --target pulse|socketio --url URL --connections N [--offset 0]
//     [--subscriptions 3] [--tenants 10] [--series 10] [--tokens-file PATH (pulse)]
//     [--local-addresses 127.0.0.1,127.0.0.2] [--in-flight 200]
//
// Connection c belongs to tenant load-<c % tenants>; its k-th subscription is to series
// s<(floor(c / tenants) * subscriptions + k) % series>. Every delta carries its publication time
// (epoch ms) as its value, so receipt time minus value is the fan-out latency.
//
// Control, one JSON object per line: prints {"event":"ready",...} once every connection has
// opened and got its snapshots (or failed), then answers stdin lines `reset`, `report` and `quit`.
// End of stdin quits too, so a client never outlives the process driving it.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function options() {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      url: { type: 'string' },
      connections: { type: 'string' },
      offset: { type: 'string', default: '0' },
      subscriptions: { type: 'string', default: '3' },
      tenants: { type: 'string', default: '10' },
      series: { type: 'string', default: '10' },
      'tokens-file': { type: 'string' },
      'local-addresses': { type: 'string', default: '127.0.0.1' },
      'in-flight': { type: 'string', default: '200' },
    },
  });
  const count = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${name} must be an integer >= ${min}`);
    }
    return n;
  };
  const o = {
    target: values.target,
    url: values.url,
    connections: count('connections', 1),
    offset: count('offset', 0),
    subscriptions: count('subscriptions', 1),
    tenants: count('tenants', 1),
    series: count('series', 1),
    localAddresses: values['local-addresses'].split(',').map((a) => a.trim()).filter((a) => a !== ''),
    inFlight: count('in-flight', 1),
  };
  if (o.target !== 'pulse' && o.target !== 'socketio') {
    throw new Error('--target must be pulse or socketio');
  }
  if (!o.url) {
    throw new Error('--url is required');
  }
  if (o.target === 'pulse') {
    if (!values['tokens-file']) {
      throw new Error('--tokens-file is required for the pulse target');
    }
    o.tokens = JSON.parse(readFileSync(values['tokens-file'], 'utf8'));
    if (!Array.isArray(o.tokens) || o.tokens.length < o.tenants) {
      throw new Error('--tokens-file must hold a JSON array with one token per tenant');
    }
  }
  return o;
}

let o;
try {
  o = options();
} catch (e) {
  emit({ event: 'error', message: e.message });
  process.exit(2);
}

let opened = 0;
let snapshots = 0;
let failed = 0;
let settled = 0;
let delivered = 0;
let latencies = [];
let quitting = false;
let cpuAtReset = process.cpuUsage();
const connections = [];
const reported = new Set();
const started = process.hrtime.bigint();

function record(value) {
  delivered++;
  latencies.push(Date.now() - value);
}

// A connection settles once: all its snapshots arrived, or it failed first. Ready waits for all.
function settle(conn) {
  if (conn.settled) {
    return;
  }
  conn.settled = true;
  if (++settled === o.connections) {
    const openSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    emit({ event: 'ready', opened, openSeconds: round(openSeconds), snapshots, failed });
  }
}

function snapshot(conn) {
  snapshots++;
  if (--conn.pending === 0) {
    settle(conn);
  }
}

// Counted once per connection, reported once per kind: a dying server would otherwise flood stderr.
function fail(conn, kind) {
  if (quitting || conn.failed) {
    return;
  }
  conn.failed = true;
  failed++;
  if (!reported.has(kind)) {
    reported.add(kind);
    console.error(`connection ${conn.index} failed: ${kind}`);
  }
  release(conn);
  settle(conn);
}

// At most --in-flight connections are being opened at once.
let active = 0;
let next = o.offset;

function pump() {
  while (active < o.inFlight && next < o.offset + o.connections) {
    active++;
    open(next++);
  }
}

function release(conn) {
  if (!conn.released) {
    conn.released = true;
    active--;
    pump();
  }
}

function open(c) {
  const tenant = c % o.tenants;
  const series = [];
  for (let k = 0; k < o.subscriptions; k++) {
    series.push((Math.floor(c / o.tenants) * o.subscriptions + k) % o.series);
  }
  const conn = { index: c, pending: o.subscriptions, settled: false, failed: false, released: false, close: null };
  connections.push(conn);
  const localAddress = o.localAddresses[c % o.localAddresses.length];
  try {
    if (o.target === 'pulse') {
      openPulse(conn, tenant, series, localAddress);
    } else {
      openSocketIo(conn, tenant, series, localAddress);
    }
  } catch (e) {
    // A malformed URL throws here; failing on the next tick keeps pump() from recursing per connection.
    process.nextTick(() => fail(conn, e.message));
  }
}

const SNAPSHOT = Buffer.from('{"type":"snapshot"');
const DELTA = Buffer.from('{"type":"delta"');
const ERROR = Buffer.from('{"type":"error"');
const VALUE = '"value":';

function startsWith(frame, prefix) {
  return frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

function openPulse(conn, tenant, series, localAddress) {
  const socket = new WebSocket(o.url, {
    headers: { Authorization: 'Bearer ' + o.tokens[tenant] },
    perMessageDeflate: false,
    localAddress,
  });
  conn.close = () => socket.terminate();
  socket.on('open', () => {
    opened++;
    series.forEach((s, k) => socket.send(`{"type":"subscribe","sub":"s${k}","metric":"load","aggregate":"max",`
      + `"points":1,"filters":["series:eq:s${s}"]}`));
    release(conn);
  });
  // Frames stay Buffers: only the prefix and the last value are read, never the whole frame decoded.
  socket.on('message', (frame) => {
    if (startsWith(frame, DELTA)) {
      const at = frame.lastIndexOf(VALUE) + VALUE.length;
      record(Number.parseFloat(frame.toString('latin1', at, at + 32)));
    } else if (startsWith(frame, SNAPSHOT)) {
      snapshot(conn);
    } else if (startsWith(frame, ERROR)) {
      // A refused subscription leaves the connection short of what it should measure.
      fail(conn, 'server error frame ' + frame.toString('utf8', 0, 300));
      socket.terminate();
    }
  });
  socket.on('error', (e) => fail(conn, e.code ?? e.message));
  socket.on('close', (code) => fail(conn, 'closed with code ' + code));
}

function openSocketIo(conn, tenant, series, localAddress) {
  const socket = io(o.url, {
    transports: ['websocket'],
    auth: { tenant: 'load-' + tenant },
    reconnection: false,
    forceNew: true,
    localAddress,
    perMessageDeflate: false,
  });
  conn.close = () => socket.disconnect();
  socket.on('connect', () => {
    opened++;
    series.forEach((s, k) => socket.emit('subscribe', { sub: 's' + k, series: 's' + s }, () => snapshot(conn)));
    release(conn);
  });
  socket.on('delta', (delta) => record(delta.value));
  socket.on('connect_error', (e) => fail(conn, 'connect_error: ' + e.message));
  socket.on('disconnect', (reason) => fail(conn, 'disconnect: ' + reason));
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

// Index ceil(p/100 * n) - 1 of the sorted samples, as StreamLoad does; -1 when there are none.
function percentile(sorted, p) {
  if (sorted.length === 0) {
    return -1;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
}

function report() {
  const sorted = Float64Array.from(latencies).sort();
  // since the last reset: what receiving the deltas cost, without opening the connections
  const cpu = process.cpuUsage(cpuAtReset);
  emit({
    event: 'report',
    delivered,
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length === 0 ? -1 : sorted[sorted.length - 1],
    },
    cpuSecondsSinceReset: round((cpu.user + cpu.system) / 1e6),
    rssKiB: Math.round(process.memoryUsage.rss() / 1024),
    failed,
  });
}

function quit() {
  quitting = true;
  for (const conn of connections) {
    conn.close?.();
  }
  process.exit(0);
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = line.trim();
    if (command === 'reset') {
      delivered = 0;
      latencies = [];
      cpuAtReset = process.cpuUsage();
      emit({ event: 'reset' });
    } else if (command === 'report') {
      report();
    } else if (command === 'quit') {
      quit();
    } else if (command !== '') {
      emit({ event: 'error', message: 'unknown command: ' + command });
    }
  })
  .on('close', quit);

pump();
