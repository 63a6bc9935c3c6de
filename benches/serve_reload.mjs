// How long from saving a file to the reload message reaching an open page, with `pillar serve`
// on a copy of the shipped explainer (content/, theme/, site-config.toml of this repository).
// A WebSocket client plays the page; each round edits content/about.md and times the
// reload message. Prints percentiles of that latency, and of the build times the server
// reports, so that the debounce delay and the build can be told apart.
//
// Usage: node [--experimental-websocket] benches/serve_reload.mjs [BIN] [N]
//   BIN defaults to target/release-fat/pillar, N to 30. benches/serve_reload.sh does both.
//   SERVE_ROOT=DIR copies another project instead (e.g. a corpus of benches/run.sh, with its
//   site-config.toml), SERVE_PAGE=content/… names the page each round edits, and
//   SERVE_TARGET_MS the median to meet (30 for the shipped explainer, 60 for 2,000 pages).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(process.argv[2] || join(REPO, 'target', 'release-fat', 'pillar'));
const N = Number(process.argv[3] || 30);
const TIMEOUT_MS = 30_000;

if (typeof WebSocket !== 'function') {
  console.error('this Node has no WebSocket: run it with --experimental-websocket (Node 20) or Node 22+');
  process.exit(2);
}
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: cargo build --profile release-fat`);
  process.exit(2);
}

const FROM = resolve(process.env.SERVE_ROOT || REPO);
const PAGE = process.env.SERVE_PAGE || join('content', 'about.md');
const TARGET_MS = Number(process.env.SERVE_TARGET_MS || 30);
const dir = mkdtempSync(join(process.env.SERVE_TMP || tmpdir(), 'pillar-bench-'));
const root = join(dir, 'site');
for (const part of ['content', 'theme', 'site-config.toml']) {
  if (existsSync(join(FROM, part))) cpSync(join(FROM, part), join(root, part), { recursive: true });
}

let log = '';
const server = spawn(BIN, ['serve', '--port', '0', '--root', root, '--output', join(dir, 'out')], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.setEncoding('utf8').on('data', (c) => (log += c));
server.stderr.setEncoding('utf8').on('data', () => {});
const cleanup = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

async function until(what, f) {
  const start = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - start > TIMEOUT_MS) throw new Error(`timed out waiting for ${what}\n${log}`);
    await sleep(5);
  }
}

const url = (await until('the server', () => log.match(/at (http:\/\/[^ ]+\/)/)))[1];
const ws = new WebSocket(url.replace('http:', 'ws:') + '__pillar/live');
let waiting = null;
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (waiting && m.kind === 'reload') {
    const w = waiting;
    waiting = null;
    w(performance.now());
  }
};
await new Promise((ok, fail) => {
  ws.onopen = ok;
  ws.onerror = () => fail(new Error('cannot connect the WebSocket'));
});

const about = join(root, PAGE);
const original = readFileSync(about, 'utf8');
const latencies = [];
const builds = [];
for (let i = 0; i < N; i++) {
  const reloaded = new Promise((ok, fail) => {
    waiting = ok;
    setTimeout(() => fail(new Error(`no reload within ${TIMEOUT_MS} ms\n${log}`)), TIMEOUT_MS).unref();
  });
  const before = log.length;
  const t0 = performance.now();
  writeFileSync(about, `${original}\nBenchmark edit ${i}.\n`);
  const t1 = await reloaded;
  latencies.push(t1 - t0);
  const built = await until('the build line', () => log.slice(before).match(/built .* in (\d+) ms/));
  builds.push(Number(built[1]));
  // Let the file system settle, so that each round is one save, not a burst.
  await sleep(150);
}
ws.close();

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { min: s[0], p50: q(50), p90: q(90), p95: q(95), max: s[s.length - 1], mean };
}
const fmt = (o) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join('  ');
const lat = stats(latencies);
const what = process.env.SERVE_ROOT ? FROM : 'the shipped explainer';
console.log(`pillar serve: save → reload message, ${N} rounds on ${what}, editing ${PAGE} (${BIN})`);
console.log(`  latency ms:    ${fmt(lat)}`);
console.log(`  build ms:      ${fmt(stats(builds))}   (as the server reports it)`);
console.log(`  target: median ≤ ${TARGET_MS} ms — ${lat.p50 <= TARGET_MS ? 'met' : 'NOT met'}`);
const stopped = new Promise((done) => server.once('exit', done));
server.kill('SIGTERM');
await stopped;
process.exit(0);
