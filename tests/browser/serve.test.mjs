// `pillar serve` in a real browser (Chromium via playwright-core): the binary serves a copy of
// tests/fixtures/serve-site; the test edits a content file and waits for the new text to
// appear without reloading by hand, breaks the data file and waits for the error overlay
// (its text escaped, never parsed as HTML), fixes it and waits for the overlay to go. Two
// more servers: one on a project broken from the start (the page says there is no site yet,
// then shows it once fixed), one with `--base-url localhost` (pages built for that address,
// and live reload works through it).
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
let browser;
let url;
const servers = [];

/**
 * Starts `pillar serve` on a free port on a fresh copy of the fixture (`name` under the test's
 * folder), which `prepare(root)` may change first; resolves to `{ root, url, log() }`, url
 * being the address it prints (`http://HOST:PORT/`).
 */
function startServe(name, { args = [], prepare = () => {} } = {}) {
  const root = join(dir, name);
  cpSync(join(REPO, 'tests', 'fixtures', 'serve-site'), root, { recursive: true });
  prepare(root);
  const proc = spawn(BIN, ['serve', '--port', '0', '--root', root, '--output', join(dir, `${name}-out`), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(proc);
  let log = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`pillar serve did not start:\n${log}`)), 60_000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/serving .* at (http:\/\/[^/\s]+\/)/);
      if (m) {
        clearTimeout(timer);
        ok({ root, url: m[1], log: () => log });
      }
    };
    proc.stdout.setEncoding('utf8').on('data', read);
    proc.stderr.setEncoding('utf8').on('data', read);
    proc.once('exit', (code) => fail(new Error(`pillar serve exited (${code}):\n${log}`)));
  });
}

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build first`);
  dir = mkdtempSync(join(tmpdir(), 'pillar-serve-test-'));
  ({ url } = await startServe('site'));
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  for (const server of servers) {
    if (server.exitCode === null) {
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
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

test('a project broken from the start says so in the browser, then shows the site once fixed', async () => {
  const data = (root) => join(root, 'content', 'reform.toml');
  const good = readFileSync(join(REPO, 'tests', 'fixtures', 'serve-site', 'content', 'reform.toml'), 'utf8');
  const broken = await startServe('broken', {
    prepare: (root) => writeFileSync(data(root), good.replace('[reform]', '[reform\n')),
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('about/', broken.url).href);
  const overlay = page.locator('#pillar-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: WAIT });
  const text = await overlay.innerText();
  assert.match(text, /could not be built/, text);
  assert.doesNotMatch(text, /last good build/, 'there is none');
  assert.match(text, /content\/reform\.toml:1:/);
  assert.equal(await page.title(), 'The site could not be built');
  assert.match(await page.locator('h1').innerText(), /could not be built/);

  // Fixed: the page reloads by itself and shows the site.
  writeFileSync(data(broken.root), good);
  await page.getByText('Marker: original about text').waitFor({ timeout: WAIT });
  assert.equal(await overlay.count(), 0);
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});

test('serve --base-url builds the pages for that address, and live reload works through it', async () => {
  const named = await startServe('named', { args: ['--base-url', 'localhost'] });
  assert.match(named.url, /^http:\/\/localhost:\d+\/$/, named.log());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('about/', named.url).href);
  await page.getByText('Marker: original about text').waitFor({ timeout: WAIT });
  const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
  assert.equal(canonical, new URL('about/', named.url).href);

  const about = join(named.root, 'content', 'about.md');
  writeFileSync(about, readFileSync(about, 'utf8').replace('original about text', 'edited through localhost'));
  await page.getByText('Marker: edited through localhost').waitFor({ timeout: WAIT });
  assert.equal(new URL(page.url()).hostname, 'localhost');
  assert.deepEqual(errors, [], 'no script errors');
  await page.close();
});
