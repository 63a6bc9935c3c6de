// The search box, as a reader uses it: with scripts it searches search-index.json; without
// them it is a plain link to the glossary. Runs on the built site in SITE_DIR, and on
// tests/fixtures/search-site (a site with no data file), which it builds with
// target/debug/pillar (or PILLAR_BIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, LAUNCH_OPTIONS, SITE_DIR, DESKTOP, PHONE, startServer, siteIsBuilt } from './helpers.mjs';

const BIN = process.env.PILLAR_BIN || join(REPO, 'target', 'debug', 'pillar');

let browser;
let server;
let plain; // the fixture without a data file: { dir, server }
let big; // a site of 1,100 notes, whose index comes in three parts: { dir, server }

/** Writes a site of `n` notes, each with a word of its own; a few share "heron". */
function manyNotes(dir, n) {
  const content = join(dir, 'content');
  mkdirSync(join(content, 'notes'), { recursive: true });
  writeFileSync(join(dir, 'site-config.toml'), 'title = "Notes"\nbase_url = "https://example.org/"\n');
  writeFileSync(join(content, '_index.md'), '+++\ntitle = "Home"\n+++\n');
  writeFileSync(join(content, 'notes', '_index.md'), '+++\ntitle = "Notes"\n+++\n');
  const herons = new Set([5, 600, 1095]);
  for (let i = 0; i < n; i++) {
    const extra = herons.has(i) ? ' A heron stands here.' : '';
    writeFileSync(join(content, 'notes', `n${String(i).padStart(4, '0')}.md`),
      `+++\ntitle = "Note ${i}"\n+++\n\nSome words and only${i}.${extra}\n`);
  }
}

before(async () => {
  assert.ok(siteIsBuilt(SITE_DIR), `no built site in ${SITE_DIR}`);
  server = await startServer(SITE_DIR);
  const dir = mkdtempSync(join(tmpdir(), 'pillar-search-test-'));
  execFileSync(BIN, ['build', '--root', join(REPO, 'tests', 'fixtures', 'search-site'), '--output', join(dir, 'out')]);
  plain = { dir, server: await startServer(join(dir, 'out'), { prefix: '/' }) };
  const bigDir = mkdtempSync(join(tmpdir(), 'pillar-search-parts-'));
  manyNotes(join(bigDir, 'site'), 1100);
  execFileSync(BIN, ['build', '--root', join(bigDir, 'site'), '--output', join(bigDir, 'out')]);
  big = { dir: bigDir, server: await startServer(join(bigDir, 'out'), { prefix: '/' }) };
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await plain?.server.close();
  if (plain) rmSync(plain.dir, { recursive: true, force: true });
  await big?.server.close();
  if (big) rmSync(big.dir, { recursive: true, force: true });
});

/** The pages of search-index.json with each one's words: `[{ t, u, d, s, words: Set }]`. */
function indexPages(dir = SITE_DIR) {
  const index = JSON.parse(readFileSync(join(dir, 'search-index.json'), 'utf8'));
  const pages = index.p.map((e) => ({ ...e, words: new Set() }));
  for (const [word, gaps] of Object.entries(index.w)) {
    let at = 0;
    for (const gap of gaps) pages[(at += gap)].words.add(word);
  }
  return pages;
}

/** Types `query` into the search box of the page at `url` and waits for a result. */
async function searchFor(url, query, device = DESKTOP) {
  const context = await browser.newContext(device);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('searchbox', { name: /search/i }).fill(query);
  await page.locator('.search-results li').first().waitFor();
  return { context, page };
}

test('on a site without a data file, a word near the end of a long page is found and highlighted', async () => {
  const { context, page } = await searchFor(plain.server.url, 'zebrafish');
  const results = page.locator('.search-results li');
  assert.equal(await results.count(), 1);
  assert.equal(await results.locator('a').innerText(), 'A long page');
  const mark = results.locator('p mark');
  await mark.waitFor(); // the snippet comes from the page itself: the word is past the index's first words
  assert.equal(await mark.innerText(), 'zebrafish');
  assert.match(await results.locator('p').innerText(), /very end, a zebrafish swims/);
  await page.getByRole('status').filter({ hasText: /^1 page matches\.$/ }).waitFor({ state: 'attached' });
  await context.close();
});

test('the index is fetched when the box is first used, not with the page', async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('search-index')) asked.push(r.url()); });
  await page.goto(plain.server.url, { waitUntil: 'networkidle' });
  assert.deepEqual(asked, [], 'loaded before any search');
  await page.getByRole('searchbox', { name: /search/i }).fill('harbour');
  await page.locator('.search-results li').first().waitFor();
  assert.equal(asked.length, 1);
  await context.close();
});

test('a big site\'s index comes in parts: every part is searched, its pages in the order of the site', async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('search-index')) asked.push(new URL(r.url()).pathname); });
  await page.goto(big.server.url);
  const box = page.getByRole('searchbox', { name: /search/i });
  await box.fill('heron');
  await page.locator('.search-results li').nth(2).waitFor();
  assert.deepEqual(asked.sort(), ['/search-index.1.json', '/search-index.2.json', '/search-index.json']);
  assert.deepEqual(await page.locator('.search-results a').allInnerTexts(), ['Note 5', 'Note 600', 'Note 1095']);
  // A word of one page of the last part leads to that page.
  await box.fill('only1099');
  await page.getByRole('status').filter({ hasText: /^1 page matches\.$/ }).waitFor({ state: 'attached' });
  assert.deepEqual(await page.locator('.search-results a').allInnerTexts(), ['Note 1099']);
  await box.press('Enter');
  await page.waitForURL((u) => new URL(u).pathname === '/notes/n1099/');
  assert.equal(await page.locator('h1').innerText(), 'Note 1099');
  await context.close();
});

test('a title word ranks above a part of a title, above a body word, above a part of one', async () => {
  const { context, page } = await searchFor(plain.server.url, 'harbour');
  await page.locator('.search-results li').nth(3).waitFor();
  const titles = await page.locator('.search-results a').allInnerTexts();
  assert.deepEqual(titles, ['Harbour rules', 'Harbourside walks', 'The town', 'Who runs the docks']);
  await context.close();
});

test('the highlight is visible: its own colours, in light and dark mode', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { context, page } = await searchFor(plain.server.url, 'market', { ...DESKTOP, colorScheme });
    const mark = page.locator('.search-results p mark').first();
    await mark.waitFor();
    assert.ok(await mark.isVisible());
    const [bg, itemBg] = await mark.evaluate((m) => [getComputedStyle(m).backgroundColor, getComputedStyle(m.closest('ol')).backgroundColor]);
    assert.notEqual(bg, itemBg, `${colorScheme}: the mark has no background of its own`);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', colorScheme);
    await context.close();
  }
});

for (const device of [DESKTOP, PHONE]) {
  test(`typing "mediation" lists the pages about it (${device.name})`, async () => {
    const context = await browser.newContext(device);
    const page = await context.newPage();
    await page.goto(server.url);
    const box = page.getByRole('searchbox', { name: /search/i });
    await box.fill('mediation');
    const results = page.locator('.search-results a');
    await results.first().waitFor();
    const hrefs = await results.evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
    assert.ok(hrefs.some((h) => h.endsWith('/departments/dppa/')), `results: ${hrefs.join(', ')}`);
    assert.ok(hrefs.some((h) => h.endsWith('/departments/dpa/')), `results: ${hrefs.join(', ')}`);
    await assert.doesNotReject(page.getByRole('status').filter({ hasText: /pages? match/ }).waitFor({ state: 'attached' }));
    // Enter opens the first result.
    await box.press('Enter');
    await page.waitForURL((u) => hrefs.includes(new URL(u).pathname));
    await context.close();
  });
}

test('a search that matches nothing says so', async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: /search/i }).fill('zzzqqqxxx');
  await page.locator('.search-results li').first().waitFor();
  assert.match(await page.locator('.search-results').innerText(), /no page matches/i);
  await context.close();
});

test('without scripts the search box is a link to the glossary', async () => {
  const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url);
  const link = page.locator('.site-search a');
  assert.equal(await link.count(), 1);
  assert.match(await link.getAttribute('href'), /glossary\/$/);
  assert.equal(await page.getByRole('searchbox').count(), 0);
  await context.close();
});

// "place" is inside "replaced" and "placed" on several pages, and a word of its own on fewer:
// those come first. The expectation is read from the index, so it follows the content.
test('pages with the whole word rank above pages with it inside a longer word', async () => {
  const index = indexPages();
  const word = 'place';
  const has = (e) => [...e.words].some((w) => w.includes(word));
  const whole = new Set(index.filter((e) => e.words.has(word)).map((e) => e.u));
  const parts = index.filter((e) => has(e) && !whole.has(e.u));
  assert.ok(whole.size >= 1 && parts.length >= 1, 'the content no longer has both kinds of match');
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: /search/i }).fill(word);
  const results = page.locator('.search-results a');
  await results.first().waitFor();
  const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const ranks = hrefs.map((h) => whole.has(h.replace(/^(\.\.\/)*/, '').replace(/^\.\//, '')));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a), `whole-word pages first: ${hrefs.join(', ')}`);
  assert.ok(ranks[0], `first result ${hrefs[0]} has "${word}" as a word`);
  await context.close();
});

test('the words searched for are highlighted in the titles and snippets', async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: /search/i }).fill('mediation');
  await page.locator('.search-results mark').first().waitFor();
  const marks = await page.locator('.search-results mark').allInnerTexts();
  assert.ok(marks.length >= 2, `${marks.length} highlights`);
  assert.ok(marks.every((m) => m.toLowerCase() === 'mediation'), marks.join(', '));
  await context.close();
});

test('one result reads "1 page matches"', async () => {
  // A word of one page that no other word of the index holds: it matches that page alone.
  const index = JSON.parse(readFileSync(join(SITE_DIR, 'search-index.json'), 'utf8'));
  const words = Object.keys(index.w);
  const word = words.find((w) => w.length >= 6 && /^\p{L}+$/u.test(w) && index.w[w].length === 1
    && words.every((v) => v === w || !v.includes(w)));
  assert.ok(word, 'no word of the index is on one page only');
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: /search/i }).fill(word);
  await page.locator('.search-results a').first().waitFor();
  await page.getByRole('status').filter({ hasText: /^1 page matches\.$/ }).waitFor({ state: 'attached' });
  await context.close();
});
