// A closed-loop HTTP load generator, run as its own process so that it does not share an event
// loop with the server it measures. Each of N connections sends the next unsent request from one
// shared list and waits for the reply, so every prepared request is sent exactly once.
//
//   node --import tsx test/bench/load-generator.ts <requests.jsonl> <base-url> <connections>
// Prints one JSON line: { sent, ok, failed, statuses, seconds, perSecond, p50Ms, p99Ms }.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

interface PreparedRequest {
  path: string;
  body: string;
}

const [file, baseUrl, connectionsArg] = process.argv.slice(2);
if (!file || !baseUrl) {
  console.error('usage: load-generator <requests.jsonl> <base-url> [connections]');
  process.exit(2);
}
const connections = Number(connectionsArg ?? 8);
const prepared = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as PreparedRequest);

const target = new URL(baseUrl);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;
let failed = 0;

function send(item: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: item.path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(item.body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(item.body);
  });
}

async function connectionLoop(): Promise<void> {
  for (;;) {
    const index = next++;
    const item = prepared[index];
    if (!item) return;
    const started = performance.now();
    try {
      const status = await send(item);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) failed += 1;
    } catch {
      failed += 1;
      statuses.error = (statuses.error ?? 0) + 1;
    }
    latencies.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, connectionLoop));
const seconds = (performance.now() - started) / 1000;
agent.destroy();

latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    sent: prepared.length,
    ok: prepared.length - failed,
    failed,
    statuses,
    seconds,
    perSecond: prepared.length / seconds,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
  }),
);
