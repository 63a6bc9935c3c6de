// `pillar serve` in a real browser (Chromium via playwright-core): the binary serves a copy of
// tests/fixtures/serve-site; the test edits a content file and waits for the new text to
// appear without reloading by hand, breaks the data file and waits for the error overlay
// (its text escaped, never parsed as HTML), fixes it and waits for the overlay to go.
//
// Needs target/debug/pillar (cargo build), or PILLAR_BIN. Run: node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, LAUNCH_OPTIONS } from './helpers.mjs';

const BIN = process.env.PILLAR_BIN || join(REPO, 'target', 'debug', 'pillar');
const WAIT = 30_000;

let dir;
let server;
let browser;
let url;
let log = '';

/** Starts `pillar serve` on a free port; resolves to the URL it prints. */
function startServe(root, out) {
  server = spawn(BIN, ['serve', '--port', '0', '--root', root, '--output', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`pillar serve did not start:\n${log}`)), 60_000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    server.stdout.setEncoding('utf8').on('data', read);
    server.stderr.setEncoding('utf8').on('data', read);
    server.once('exit', (code) => fail(new Error(`pillar serve exited (${code}):\n${log}`)));
  });
}

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build first`);
  dir = mkdtempSync(join(tmpdir(), 'pillar-serve-'));
  cpSync(join(REPO, 'tests', 'fixtures', 'serve-site'), join(dir, 'site'), { recursive: true });
  url = await startServe(join(dir, 'site'), join(dir, 'out'));
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an edit shows without a manual reload; a broken build shows an overlay until fixed', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('about/', url).href);
  await page.getByText('Marker: original about text').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('#pillar-error-overlay').count(), 0);

  // Edit the page's Markdown: the script reloads the page by itself.
  const about = join(dir, 'site', 'content', 'about.md');
  writeFileSync(about, readFileSync(about, 'utf8').replace('original about text', 'edited about text'));
  await page.getByText('Marker: edited about text').waitFor({ timeout: WAIT });

  // Break the data file with a value that looks like HTML: the overlay shows it as text.
  const data = join(dir, 'site', 'content', 'reform.toml');
  const good = readFileSync(data, 'utf8');
  writeFileSync(data, good.replace('era = "before"', 'era = "<b>sometime</b>"'));
  const overlay = page.locator('#pillar-error-overlay');
  // A save in place may first be seen half-written: wait for this error, not just any.
  await overlay.getByText('sometime').waitFor({ state: 'visible', timeout: WAIT });
  const text = await overlay.innerText();
  assert.match(text, /content\/reform\.toml:\d+:\d+:/);
  assert.ok(text.includes('<b>sometime</b>'), `the value shows as text:\n${text}`);
  assert.equal(await overlay.locator('b').count(), 0, 'the error text is not parsed as HTML');
  // The last good page is still there beneath it.
  assert.ok((await page.locator('main').innerText()).includes('Marker: edited about text'));

  // A page opened now shows the overlay at once.
  const second = await browser.newPage();
  await second.goto(url);
  await second.locator('#pillar-error-overlay').waitFor({ state: 'visible', timeout: WAIT });
  await second.close();

  // Fix it: the overlay goes, the page stays.
  writeFileSync(data, good);
  await overlay.waitFor({ state: 'detached', timeout: WAIT });
  await page.getByText('Marker: edited about text').waitFor({ timeout: WAIT });
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});
