// The search box, as a reader uses it: with scripts it searches search-index.json; without
// them it is a plain link to the glossary. Runs on the built site in SITE_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
