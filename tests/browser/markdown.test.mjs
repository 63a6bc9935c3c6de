// Markdown features a reader sees, in headless Chromium, on the example explainer with the pages
// of tests/fixtures/markdown-cases/ added (built here with the pillar binary):
//  1. a section lists its pages' summaries (the text before `<!-- more -->`), whose links work
//     from there, and the description of a page without one;
//  2. math ($…$, $$…$$, with math = true) is typeset as MathML, inline and as a block;
//  3. every GitHub-style alert (`> [!NOTE]` …) shows its kind in words, and passes axe's
//     colour-contrast check in light and dark.
//
// Needs target/debug/pillar (cargo build), or PILLAR_BIN. Run: node --test tests/browser/markdown.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { REPO, LAUNCH_OPTIONS, startServer } from './helpers.mjs';

const BIN = process.env.PILLAR_BIN || join(REPO, 'target', 'debug', 'pillar');

let dir;
let server;
let browser;

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build first`);
  dir = mkdtempSync(join(tmpdir(), 'pillar-markdown-test-'));
  const root = join(dir, 'site');
  cpSync(join(REPO, 'examples', 'river-authority'), root, { recursive: true });
  cpSync(join(REPO, 'tests', 'fixtures', 'markdown-cases'), join(root, 'content'), { recursive: true });
  const config = join(root, 'site-config.toml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('\n[', '\nmath = true\n\n['));
  const out = join(dir, 'out');
  execFileSync(BIN, ['build', '--root', root, '--output', out], { stdio: 'pipe' });
  server = await startServer(out);
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (path) => new URL(path, server.url).href;

test('a section lists its pages with their summaries, and their links work from there', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url('summaries/'));
  const items = page.locator('main ul.page-list > li');
  assert.equal(await items.count(), 2);
  const first = items.nth(0);
  const text = await first.innerText();
  assert.match(text, /The summary links to the about page/);
  assert.doesNotMatch(text, /The rest of the page/);
  assert.doesNotMatch(text, /The description, which/);
  assert.match(await items.nth(1).innerText(), /Only a description, shown as before\./);
  await first.getByRole('link', { name: 'its own heading' }).click();
  await page.waitForURL(/\/summaries\/with-summary\/#opening$/);
  assert.equal(await page.getByRole('heading', { level: 2, name: /Opening/ }).count(), 1);
  await page.goBack();
  await items.nth(0).getByRole('link', { name: 'the about page' }).click();
  await page.waitForURL(/\/about\/$/);
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`alerts show their kind in words and are readable (${colorScheme})`, async () => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(url('cases/'));
    const labels = {
      note: 'Note',
      tip: 'Tip',
      important: 'Important',
      warning: 'Warning',
      caution: 'Caution',
    };
    for (const [kind, label] of Object.entries(labels)) {
      const alert = page.locator(`blockquote.markdown-alert-${kind}`);
      assert.equal(await alert.count(), 1, kind);
      const title = alert.locator('.markdown-alert-title');
      assert.equal((await title.innerText()).trim(), label);
      assert.ok(await title.isVisible(), `${kind} label visible`);
      const rule = await alert.evaluate((e) => getComputedStyle(e).borderLeftWidth);
      assert.notEqual(rule, '0px', `${kind} has its rule`);
    }
    const results = await new AxeBuilder({ page })
      .include('blockquote[class^="markdown-alert-"]')
      .withRules(['color-contrast'])
      .analyze();
    assert.deepEqual(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
    );
    assert.ok(results.passes.length > 0, 'axe checked the alerts');
    await context.close();
  });
}

test('math is typeset without JavaScript, inline and as a block', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url('cases/'));
  const inline = page.locator('math[display="inline"]');
  const block = page.locator('math[display="block"]');
  assert.equal(await inline.count(), 1);
  assert.equal(await block.count(), 1);
  const box = (l) =>
    l.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { w: r.width, h: r.height, display: getComputedStyle(e).display };
    });
  const i = await box(inline);
  const b = await box(block);
  assert.ok(i.w > 10 && i.h > 5, `inline math has a size: ${JSON.stringify(i)}`);
  assert.equal(b.display, 'block math');
  assert.ok(b.h > i.h, `the fraction stands taller than the line: ${JSON.stringify([i, b])}`);
  await context.close();
});
