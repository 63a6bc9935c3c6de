// The French edition as a reader meets it, in Chromium (playwright-core): the language switcher
// leads from an English page to the same page in French and back (and from a page the other
// edition lacks, to its home), each page says its language, an untranslated page says so, and
// the French org chart and function map keep their labels inside their box at 390 px with no
// sideways scroll. Every HTML page under fr/ (but fr/embed/, embed.test.mjs's) passes axe on a
// phone in the light scheme, with no sideways scroll and every file it loads found: site.test.mjs
// and charts.test.mjs walk only the default edition's pages.
//
// It builds nothing: it reads the site already built in SITE_DIR (default public/).
// Run: node --test tests/browser/editions.test.mjs
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { REPO, SITE_DIR, LAUNCH_OPTIONS, PHONE, startServer, siteIsBuilt, htmlPages } from './helpers.mjs';

const BIN = process.env.PILLAR_BIN || join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'pillar');

if (!siteIsBuilt()) throw new Error(`no built site in ${SITE_DIR}`);
const HAS_FR = existsSync(join(SITE_DIR, 'fr', 'index.html'));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'];
// Every French page but the embeds, which embed.test.mjs checks.
const FR_PAGES = htmlPages(SITE_DIR)
  .map((p) => p.path)
  .filter((p) => p.startsWith('/fr/') && !p.startsWith('/fr/embed/'));

let browser;
let server;
// A small site of its own whose French edition lacks a page, built with the debug binary.
let dir;
let partial;

/** Builds a two-page site whose French edition translates only the home page. */
function buildPartial() {
  dir = mkdtempSync(join(tmpdir(), 'pillar-editions-test-'));
  const write = (path, text) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('site-config.toml', 'title = "T"\n[[edition]]\nlanguage = "fr"\n');
  write('content/_index.md', '+++\ntitle = "Home"\n+++\nHello.\n');
  write('content/about.md', '+++\ntitle = "About"\n+++\nAbout us.\n');
  write('content/fr/_index.md', '+++\ntitle = "Accueil"\n+++\nBonjour.\n');
  execFileSync(BIN, ['build', '--quiet', '--root', dir, '--output', join(dir, 'site')], { stdio: 'pipe' });
  return join(dir, 'site');
}

before(async () => {
  server = await startServer(SITE_DIR);
  partial = existsSync(BIN) ? await startServer(buildPartial()) : null;
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await partial?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (path) => new URL(path.replace(/^\//, ''), server.url).href;
const local = (href) => '/' + new URL(href).pathname.slice(new URL(server.url).pathname.length);

describe('the French edition', { skip: !HAS_FR && 'the site has no French edition' }, () => {
  for (const path of ['/', '/comparison/', '/timeline/', '/sources/', '/glossary/', '/departments/dppa/']) {
    test(`the switcher leads from ${path} to the same page in French and back`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url(path));
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.getByRole('navigation', { name: 'Languages' }).getByRole('link', { name: 'Français' }).click();
      await page.waitForURL((u) => u.pathname.includes('/fr/'));
      assert.equal(local(page.url()), `/fr${path}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      await page.getByRole('navigation', { name: 'Langues' }).getByRole('link', { name: 'English' }).click();
      await page.waitForURL((u) => !u.pathname.includes('/fr/'));
      assert.equal(local(page.url()), path);
      await context.close();
    });
  }

  // One phone context for every page, the pages one after the other: a context per page
  // costs more than the page.
  describe('every French page on a phone, light', { concurrency: 1 }, () => {
    let context;
    before(async () => {
      context = await browser.newContext({ ...PHONE, colorScheme: 'light', reducedMotion: 'reduce' });
    });
    after(async () => {
      await context?.close();
    });

    test('there are French pages to walk', () => {
      assert.ok(FR_PAGES.length >= 10, `${FR_PAGES.length} pages under fr/`);
      assert.ok(FR_PAGES.includes('/fr/departments/dppa/'), 'the unit pages are among them');
    });

    for (const path of FR_PAGES) {
      test(`${path} passes axe, in French, with no sideways scroll and every file found`, async () => {
        const page = await context.newPage();
        const failed = [];
        page.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
        page.on('response', (r) => r.status() >= 400 && !r.request().isNavigationRequest() && failed.push(`HTTP ${r.status()}: ${r.url()}`));
        try {
          await page.goto(url(path), { waitUntil: 'load' });
          assert.equal(await page.getAttribute('html', 'lang'), 'fr');
          const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).options({ resultTypes: ['violations'] }).analyze();
          assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3)}`), []);
          const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
          assert.ok(scroll <= inner, `${path}: ${scroll} px wide in a ${inner} px window`);
          assert.deepEqual(failed, [], `${path}: files it could not load`);
        } finally {
          await page.close();
        }
      });
    }
  });

  test('a page in English only is shown in French with a note, its text marked as English', async (t) => {
    if (!partial) return t.skip(`${BIN} is missing`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL('fr/about/', partial.url).href);
    const note = page.getByRole('note');
    assert.match(await note.innerText(), /^Cette page n'est pas encore traduite/);
    assert.ok(await note.isVisible());
    assert.equal(await page.locator('main h1').getAttribute('lang'), 'en');
    assert.ok((await page.locator('div.untranslated[lang=en]').count()) === 1);
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    assert.deepEqual(results.violations.map((v) => v.id), []);
    await context.close();
  });

  test('the French org chart and function map keep their labels inside their box at 390 px', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    for (const path of ['/fr/', '/fr/comparison/']) {
      await page.goto(url(path));
      const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(width[0] <= width[1], `${path}: ${width[0]} px wide in a ${width[1]} px window`);
      const outside = await page.evaluate(() => {
        const bad = [];
        for (const svg of document.querySelectorAll('svg')) {
          const box = svg.getBoundingClientRect();
          if (box.width === 0) continue;
          for (const t of svg.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
              bad.push(t.textContent);
            }
          }
        }
        return bad;
      });
      assert.deepEqual(outside, [], `${path}: labels outside their chart`);
      const labels = await page.locator('svg text').evaluateAll((ts) => ts.map((t) => t.textContent));
      assert.ok(labels.join(' ').includes('DAPCP'), `${path}: the chart names DAPCP`);
    }
    await context.close();
  });
});
