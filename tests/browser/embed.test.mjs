// The embeddable views (embed/…/), as another site uses them: the snippet offered on the
// site's pages is pasted into a host page served from another origin (another port); the
// frame then takes the height of its content (postMessage), follows it when the content
// reflows, and its links open in the top window, not inside the frame. Each embed has no
// navigation, carries noindex and holds no script but the height message.
// Run: SITE_DIR=… node --test tests/browser/embed.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { SITE_DIR, LAUNCH_OPTIONS, startServer, siteIsBuilt } from './helpers.mjs';

if (!siteIsBuilt()) throw new Error(`no built site in ${SITE_DIR}`);

// Where each page offers which embeds.
const OFFERS = { '': ['org-chart'], 'comparison/': ['org-chart', 'comparison', 'function-map'], 'timeline/': ['timeline'] };
const EMBEDS = ['org-chart', 'function-map', 'comparison', 'timeline'];

let browser;
let site;
let host;
let hostDir;
before(async () => {
  site = await startServer(SITE_DIR);
  browser = await chromium.launch(LAUNCH_OPTIONS);
  hostDir = mkdtempSync(join(tmpdir(), 'pillar-host-'));
});
after(async () => {
  await browser?.close();
  await site?.close();
  await host?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

/** The snippets a page offers, by embed, as a reader copies them from the text box. */
async function snippets(page, path) {
  await page.goto(new URL(path, site.url).href);
  const boxes = page.locator('textarea.embed-snippet');
  const out = {};
  for (const box of await boxes.all()) {
    const code = await box.inputValue();
    const m = code.match(/src="([^"]+)embed\/([a-z-]+)\/"/);
    assert.ok(m, code);
    out[m[2]] = { code, base: m[1] };
  }
  return out;
}

test('each page that shows a view offers its snippet, with an absolute src', async () => {
  const page = await browser.newPage();
  const found = {};
  for (const [path, want] of Object.entries(OFFERS)) {
    const got = await snippets(page, path);
    assert.deepEqual(Object.keys(got).sort(), [...want].sort(), path);
    for (const s of Object.values(got)) assert.match(s.base, /^https?:\/\//);
    Object.assign(found, got);
  }
  assert.deepEqual(Object.keys(found).sort(), [...EMBEDS].sort());
  await page.close();
});

test('in a host page on another origin, each frame sizes itself and its links open in the top window', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  let codes = {};
  for (const path of Object.keys(OFFERS)) Object.assign(codes, await snippets(page, path));
  // The snippet names the published address; here the site is on 127.0.0.1.
  const body = EMBEDS.map((e) => `<h2>${e}</h2>\n` + codes[e].code.split(codes[e].base).join(site.url)).join('\n');
  writeFileSync(join(hostDir, 'index.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>${body}</body></html>`);
  host = await startServer(hostDir, { prefix: '/' });
  assert.notEqual(new URL(host.url).origin, new URL(site.url).origin);
  await page.goto(host.url);

  for (const e of EMBEDS) {
    const iframe = page.locator(`iframe[src$="embed/${e}/"]`);
    const frame = await (await iframe.elementHandle()).contentFrame();
    await frame.waitForLoadState('load');
    const content = () => frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    const sized = async () => {
      await page.waitForFunction(
        ([sel, h]) => Math.abs(document.querySelector(sel).getBoundingClientRect().height - h) <= 1,
        [`iframe[src$="embed/${e}/"]`, await content()],
        { timeout: 5000 },
      );
    };
    await sized();
    const wide = await iframe.evaluate((f) => f.getBoundingClientRect().height);
    assert.notEqual(Math.round(wide), 600, `${e}: the frame kept the snippet's fixed height`);
    // No scrollbar inside the frame.
    assert.ok(await frame.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), e);
    // No navigation, noindex, and only the height script.
    assert.equal(await frame.locator('nav').count(), 0, e);
    assert.equal(await frame.locator('meta[name="robots"]').getAttribute('content'), 'noindex');
    assert.equal(await frame.locator('script').count(), 1, e);
    assert.equal(await frame.evaluate(() => document.querySelector('base').target), '_top');
    // The source line links back to the full page.
    assert.equal(await frame.locator('.embed-source a').count(), 1, e);
  }

  // The content reflows on a phone: the frames follow it.
  const before = await page.locator('iframe[src$="embed/comparison/"]').evaluate((f) => f.getBoundingClientRect().height);
  await page.setViewportSize({ width: 390, height: 800 });
  await page.waitForFunction(
    (h) => Math.abs(document.querySelector('iframe[src$="embed/comparison/"]').getBoundingClientRect().height - h) > 20,
    before,
    { timeout: 5000 },
  );
  const frame = await (await page.locator('iframe[src$="embed/comparison/"]').elementHandle()).contentFrame();
  const inner = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction(
    (h) => Math.abs(document.querySelector('iframe[src$="embed/comparison/"]').getBoundingClientRect().height - h) <= 1,
    inner,
    { timeout: 5000 },
  );

  // A link in a frame opens in the top window.
  await frame.locator('.embed-source a').click();
  await page.waitForURL((u) => u.href.startsWith(site.url));
  assert.ok(page.url().endsWith('/comparison/'), page.url());
  await page.close();
});

test('without the script, an embed still shows its view at the fixed height', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const e of EMBEDS) {
    await page.goto(new URL(`embed/${e}/`, site.url).href);
    assert.ok((await page.locator('main h1').textContent()).length > 0, e);
    assert.ok(await page.locator('main').evaluate((m) => m.getBoundingClientRect().height > 100), e);
  }
  await context.close();
});
