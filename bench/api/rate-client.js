// Constant-rate HTTP load client for ApiLoad, after wrk2: every request has a due time fixed in advance
// (the schedule), goes out on a fixed pool of keep-alive connections, waits for a free connection when
// all are busy, and its latency counts from its due time, so a slow answer cannot hide the requests that
// queued behind it.
//
//   node rate-client.js --base http://127.0.0.1:8089 --schedule FILE [--connections 64]
//
// FILE holds JSON lines: first {"tokens": [...]}, then one request per line,
// {"at": ms after start, "name": ..., "method": ..., "target": path and query, "body": ..., "token": index}.
// Prints {"event":"ready"} once the schedule is loaded, starts on the stdin line `go`, then prints
// {"event":"report", ...}: per request name and over all, count, p50/p95/p99/p999/max in ms, failures by
// reason, and how long sending and answering took.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    schedule: { type: 'string' },
    connections: { type: 'string', default: '64' },
  },
});
const lines = readFileSync(values.schedule, 'utf8').split('\n').filter((l) => l.length > 0);
const tokens = JSON.parse(lines[0]).tokens;
const requests = lines.slice(1).map((l) => JSON.parse(l));
const pool = new Pool(values.base, { connections: Number(values.connections), pipelining: 1 });
const latencies = new Map();
const failures = {};

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function record(name, ms, failure) {
  if (!latencies.has(name)) {
    latencies.set(name, []);
  }
  latencies.get(name).push(ms);
  if (failure) {
    failures[failure] = (failures[failure] ?? 0) + 1;
  }
}

// GraphQL answers its errors with status 200
function failureOf(status, text) {
  if (status !== 200) {
    return `status ${status}`;
  }
  return text.startsWith('{"errors"') || text.includes(',"errors":') ? 'GraphQL errors' : null;
}

function send(request, due) {
  const headers = {};
  if (request.token !== undefined) {
    headers.authorization = `Bearer ${tokens[request.token]}`;
  }
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  return pool.request({ path: request.target, method: request.method, headers, body: request.body })
    .then(async (response) => {
      const text = await response.body.text();
      record(request.name, performance.now() - due, failureOf(response.statusCode, text));
    })
    .catch((error) => record(request.name, performance.now() - due, error.code ?? error.name));
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (v) => Math.round(v * 100) / 100;
  return { count: sorted.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)),
    p999: round(at(99.9)), max: round(sorted[sorted.length - 1]) };
}

async function run() {
  const start = performance.now() + 20;
  const answers = [];
  let next = 0;
  let sentAt = start;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      // every request already due leaves now; the timer only wakes the loop
      while (next < requests.length && start + requests[next].at <= now) {
        answers.push(send(requests[next], start + requests[next].at));
        next++;
      }
      if (next < requests.length) {
        setTimeout(tick, Math.max(0, start + requests[next].at - performance.now()));
      } else {
        sentAt = performance.now();
        resolve();
      }
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(answers);
  const done = performance.now();
  const byName = {};
  for (const [name, values] of [...latencies.entries()].sort()) {
    byName[name] = summary(values);
  }
  emit({ event: 'report', all: summary([...latencies.values()].flat()), byName, failures,
    sendingSeconds: (sentAt - start) / 1000, seconds: (done - start) / 1000 });
  await pool.close();
}

emit({ event: 'ready', requests: requests.length });
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'go') {
    // stays until stdin closes, so the caller can read this process's CPU time after the report
    run();
  }
});
input.on('close', () => process.exit(0));
