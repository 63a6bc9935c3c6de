// The search box, as a reader uses it: with scripts it searches search-index.json; without
// them it is a plain link to the glossary. Runs on the built site in SITE_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { LAUNCH_OPTIONS, SITE_DIR, DESKTOP, PHONE, startServer, siteIsBuilt } from './helpers.mjs';

let browser;
let server;

before(async () => {
  assert.ok(siteIsBuilt(SITE_DIR), `no built site in ${SITE_DIR}`);
  server = await startServer(SITE_DIR);
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
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
  const index = JSON.parse(readFileSync(join(SITE_DIR, 'search-index.json'), 'utf8'));
  const hay = (e) => `${e.t} ${e.d || ''} ${e.s}`.toLowerCase();
  const word = 'place';
  const whole = new Set(index.filter((e) => /(^|[^\p{L}\p{N}])place($|[^\p{L}\p{N}])/u.test(hay(e))).map((e) => e.u));
  const parts = index.filter((e) => hay(e).includes(word) && !whole.has(e.u));
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
  const index = JSON.parse(readFileSync(join(SITE_DIR, 'search-index.json'), 'utf8'));
  const once = index.filter((e) => `${e.t} ${e.d || ''} ${e.s}`.toLowerCase().includes('panel'));
  assert.equal(once.length, 1, 'the content no longer has exactly one page with "panel"');
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('searchbox', { name: /search/i }).fill('panel');
  await page.locator('.search-results a').first().waitFor();
  await page.getByRole('status').filter({ hasText: /^1 page matches\.$/ }).waitFor({ state: 'attached' });
  await context.close();
});
