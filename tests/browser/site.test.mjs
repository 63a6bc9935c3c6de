// Checks the built site as a reader gets it, in a real browser (Chromium via playwright-core):
// accessibility (axe-core) on every page at phone and desktop sizes in light and dark (see
// AXE_RUNS below), no sideways scrolling on the phone, the text without JavaScript, the org
// chart's text alternative, glossary abbreviations, citation targets, and browsing from disk
// (file://).
//
// It builds nothing: it reads the site already built in SITE_DIR (default public/).
// Run: node --test tests/browser/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import {
  SITE_DIR,
  LAUNCH_OPTIONS,
  PHONE,
  DESKTOP,
  startServer,
  defaultEditionPages,
  siteIsBuilt,
  tomlBlockValues,
} from './helpers.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const SOURCES_PATH = process.env.SOURCES_PATH || '/sources/';
const CHART_PAGES = ['/', '/comparison/'];

if (!siteIsBuilt()) {
  throw new Error(`no built site in ${SITE_DIR} (build it first, e.g. cargo run -- build --output "$SITE_DIR")`);
}
// The default edition's pages: the editions in other languages have their own checks
// (editions.test.mjs: axe and no sideways scroll at 390 px, the switcher, the charts).
const PAGES = defaultEditionPages();

let browser;
let server;

before(async () => {
  server = await startServer(SITE_DIR);
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const url = (path) => new URL(path.replace(/^\//, ''), server.url).href;

/** Opens a page and records what went wrong while loading it (script errors, failed requests). */
async function open(context, path) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(url(path), { waitUntil: 'load' });
  if (response && response.status() !== 200) problems.push(`HTTP ${response.status()} for the page itself`);
  return { page, problems };
}

function formatViolations(where, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${where}: axe ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
    for (const node of v.nodes.slice(0, 8)) {
      const summary = (node.failureSummary || '').split('\n').slice(1, 3).map((s) => s.trim()).join(' / ');
      lines.push(`    at ${node.target.join(' >>> ')}${summary ? `  (${summary})` : ''}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more`);
  }
  return lines.join('\n');
}

// What the later checks need from each page with JavaScript on (desktop, light): gathered
// while axe visits it, so that each page is loaded once for them.
const GLOSSARY_TERMS = tomlBlockValues('term', 'term').filter((t) => /^[\p{L}\p{N}]+$/u.test(t));
const facts = new Map();

async function readerFacts(page) {
  return page.evaluate((terms) => {
    const main = document.querySelector('main');
    // Glossary: as the generator does, single-word terms as whole words, case-sensitive,
    // outside links, code and headings. At its first use in the prose (main .prose) a term
    // must be an <abbr title>, or have been one already, earlier on the page: the generator
    // marks the first use in reading order, and the data a page shows (a unit's summary, the
    // home page's lead) comes before its prose.
    const skip = 'a, code, pre, kbd, samp, h1, h2, h3, h4, h5, h6, svg, script, style, figure.org-chart, [aria-hidden="true"]';
    const marked = [...(main ? main.querySelectorAll('abbr[title]') : [])].filter((a) => a.getAttribute('title').trim() !== '');
    const markedBefore = (term, node) =>
      marked.some((a) => a.textContent.trim() === term && (a.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING));
    const firsts = new Map();
    for (const prose of document.querySelectorAll('main .prose')) {
      const walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(skip)) continue;
        for (const term of terms) {
          if (firsts.has(term)) continue;
          const m = new RegExp(`(?<![\\p{L}\\p{N}])${term}(?![\\p{L}\\p{N}])`, 'u').exec(node.data);
          if (!m) continue;
          const abbr = parent.closest('abbr');
          const here = !!abbr && (abbr.getAttribute('title') || '').trim() !== '' && abbr.textContent.trim() === term;
          const around = node.data.slice(Math.max(0, m.index - 40), m.index + term.length + 40).replace(/\s+/g, ' ');
          firsts.set(term, here || markedBefore(term, node) ? null : `"${term}" first appears without <abbr title> (and none earlier on the page): …${around}…`);
        }
      }
    }
    return {
      mainText: main ? main.innerText : null,
      glossary: [...firsts.values()].filter(Boolean),
      citations: [...document.querySelectorAll('sup.cite a')].map((a) => a.href),
    };
  }, GLOSSARY_TERMS);
}

async function factsFor(context, path) {
  if (!facts.has(path)) {
    const page = await context.newPage();
    await page.goto(url(path), { waitUntil: 'load' });
    facts.set(path, await readerFacts(page));
    await page.close();
  }
  return facts.get(path);
}

// ---------------------------------------------------------------------------------------------
// Every page × {phone, desktop} × {light, dark}: axe, and no sideways scroll on the phone.
// ---------------------------------------------------------------------------------------------
// Axe takes 1–2.5 s a page (its colour-contrast rule alone most of that), so it runs where a
// combination can show something the others cannot: on the phone in light (its layout), on
// the desktop in light and dark (the colours; the dark scheme changes no layout). The phone in
// dark is checked for sideways scroll only. AXE_RUNS names the combinations that run axe
// (default "phone-light desktop-light desktop-dark"; the deep example's step passes two).
// The combinations run side by side (one browser, a context each); pages in sequence.
const AXE_RUNS = new Set((process.env.AXE_RUNS || 'phone-light desktop-light desktop-dark').split(/[\s,]+/));
describe('axe and layout', { concurrency: Number(process.env.AXE_CONCURRENCY) || 4 }, () => {
for (const device of [PHONE, DESKTOP]) {
  for (const colorScheme of ['light', 'dark']) {
    const runsAxe = AXE_RUNS.has(`${device.name}-${colorScheme}`);
    // Without axe, only the phone's sideways-scroll check (and the desktop's reader facts) remain.
    if (!runsAxe && !device.isMobile && colorScheme !== 'light') continue;
    describe(`every page, ${device.name} ${device.viewport.width}×${device.viewport.height}, ${colorScheme}${runsAxe ? '' : ' (layout only)'}`, { concurrency: 1 }, () => {
      let context;
      before(async () => {
        const { name, ...options } = device;
        context = await browser.newContext({ ...options, colorScheme, reducedMotion: 'reduce' });
      });
      after(async () => {
        await context?.close();
      });

      for (const { path } of PAGES) {
        test(path, async () => {
          const where = `${path} [${device.name} ${device.viewport.width}×${device.viewport.height}, ${colorScheme}]`;
          const { page, problems } = await open(context, path);
          try {
            const failures = [];
            if (runsAxe) {
              const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).options({ resultTypes: ['violations'] }).analyze();
              if (results.violations.length) failures.push(formatViolations(where, results.violations));
            }

            if (device.isMobile) {
              const overflow = await page.evaluate((width) => {
                const doc = document.scrollingElement || document.documentElement;
                const limit = Math.min(window.innerWidth, width);
                if (doc.scrollWidth <= limit) return null;
                // Name the elements that stick out, outermost first, skipping those inside a scroller.
                const culprits = [];
                const scrolls = (el) => /auto|scroll|hidden|clip/.test(getComputedStyle(el).overflowX);
                for (const el of document.body.querySelectorAll('*')) {
                  const r = el.getBoundingClientRect();
                  if (r.right <= limit + 0.5 && r.left >= -0.5) continue;
                  let p = el.parentElement;
                  let clipped = false;
                  while (p && p !== document.body) {
                    if (scrolls(p)) { clipped = true; break; }
                    p = p.parentElement;
                  }
                  if (clipped) continue;
                  const parentSticksOut = culprits.some((c) => c.el.contains(el));
                  if (parentSticksOut) continue;
                  const id = el.id ? `#${el.id}` : '';
                  const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
                  culprits.push({ el, text: `${el.tagName.toLowerCase()}${id}${cls} (left ${Math.round(r.left)}, right ${Math.round(r.right)})` });
                  if (culprits.length >= 6) break;
                }
                return { scrollWidth: doc.scrollWidth, limit, culprits: culprits.map((c) => c.text) };
              }, device.viewport.width);
              if (overflow) {
                failures.push(
                  `${where}: the page scrolls sideways: it is ${overflow.scrollWidth} px wide on a ${overflow.limit} px screen\n` +
                    overflow.culprits.map((c) => `    sticks out: ${c}`).join('\n'),
                );
              }
            }
            if (!device.isMobile && colorScheme === 'light') facts.set(path, await readerFacts(page));
            if (problems.length) failures.push(`${where}: while loading:\n    ${problems.join('\n    ')}`);
            assert.ok(failures.length === 0, '\n' + failures.join('\n'));
          } finally {
            await page.close();
          }
        });
      }
    });
  }
}
});

// ---------------------------------------------------------------------------------------------
// Without JavaScript, every page's main text is the same as with it.
// ---------------------------------------------------------------------------------------------
describe('without JavaScript', () => {
  let withJs;
  let withoutJs;
  before(async () => {
    withJs = await browser.newContext({ viewport: DESKTOP.viewport });
    withoutJs = await browser.newContext({ viewport: DESKTOP.viewport, javaScriptEnabled: false });
  });
  after(async () => {
    await withJs?.close();
    await withoutJs?.close();
  });

  test('every page shows the same main text with JavaScript off', async () => {
    const failures = [];
    for (const { path } of PAGES) {
      const on = (await factsFor(withJs, path)).mainText;
      const page = await withoutJs.newPage();
      await page.goto(url(path), { waitUntil: 'load' });
      const main = page.locator('main');
      const off = (await main.count()) ? await main.first().innerText() : null;
      await page.close();
      if (on === null) failures.push(`${path}: no <main> element`);
      else if (!off || off.trim().length === 0) failures.push(`${path}: <main> is empty without JavaScript`);
      else if (on !== off) {
        let i = 0;
        while (i < on.length && on[i] === off[i]) i++;
        failures.push(
          `${path}: main text differs without JavaScript (length ${off.length} vs ${on.length} with it), from character ${i}:\n` +
            `    with JS:    ${JSON.stringify(on.slice(i, i + 80))}\n    without JS: ${JSON.stringify(off.slice(i, i + 80))}`,
        );
      }
    }
    assert.ok(failures.length === 0, '\n' + failures.join('\n'));
  });
});

// ---------------------------------------------------------------------------------------------
// Content contracts: the org chart, glossary abbreviations, citations.
// ---------------------------------------------------------------------------------------------
describe('content as a reader meets it', () => {
  let context;
  before(async () => {
    context = await browser.newContext({ viewport: DESKTOP.viewport });
  });
  after(async () => {
    await context?.close();
  });

  const units = tomlBlockValues('unit', 'name');
  const normalise = (s) => s.replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();

  for (const path of CHART_PAGES) {
    test(`org chart on ${path} has an accessible name and a text alternative naming every unit`, async () => {
      assert.ok(units.length > 0, 'no [[unit]] names found in content/reform.toml');
      const page = await context.newPage();
      try {
        await page.goto(url(path), { waitUntil: 'load' });
        const svg = page.locator('figure.org-chart svg[role="img"]');
        assert.ok((await svg.count()) >= 1, `${path}: no org chart (figure.org-chart svg[role=img])`);
        const named = page.locator('figure.org-chart').getByRole('img', { name: /organisation chart/i });
        assert.ok(
          (await named.count()) >= 1,
          `${path}: the org chart's svg[role=img] has no accessible name matching /organisation chart/i ` +
            `(aria-label, or aria-labelledby pointing at its <title>); its name is ` +
            JSON.stringify(await svg.first().evaluate((el) => el.getAttribute('aria-label') || el.querySelector('title')?.textContent || '')),
        );
        const alt = page.locator('figure.org-chart .chart-alt');
        const altAnywhere = (await alt.count()) ? alt : page.locator('.chart-alt');
        assert.ok((await altAnywhere.count()) >= 1, `${path}: no text alternative (.chart-alt) for the org chart`);
        const text = normalise((await altAnywhere.allTextContents()).join(' '));
        const missing = units.filter((name) => !text.includes(normalise(name)));
        assert.deepEqual(missing, [], `${path}: the chart's text alternative (.chart-alt) does not name these units from content/reform.toml`);
      } finally {
        await page.close();
      }
    });
  }

  test('the first use of each glossary term in the prose is an <abbr title> (or one came before)', async () => {
    assert.ok(GLOSSARY_TERMS.length > 0, 'no single-word [[term]] entries found in content/reform.toml');
    const failures = [];
    for (const { path } of PAGES) {
      for (const b of (await factsFor(context, path)).glossary) failures.push(`${path}: ${b}`);
    }
    assert.ok(failures.length === 0, '\n' + failures.join('\n'));
  });

  test('no heading is followed directly by a heading of its own level or higher (no empty section)', async () => {
    const failures = [];
    for (const { path } of PAGES) {
      const page = await context.newPage();
      await page.goto(url(path), { waitUntil: 'load' });
      const empty = await page.evaluate(() => {
        const main = document.querySelector('main') || document.body;
        const visible = (el) => el.getClientRects().length > 0;
        // Headings and the content blocks between them, in document order, skipping only
        // wrappers (section, div, header) that hold other blocks.
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_ELEMENT);
        const seq = [];
        for (let n = walker.currentNode; n; n = walker.nextNode()) {
          if (!visible(n)) continue;
          if (/^H[1-6]$/.test(n.tagName)) seq.push({ level: +n.tagName[1], text: n.innerText.trim() });
          else if (/^(P|UL|OL|DL|TABLE|FIGURE|BLOCKQUOTE|PRE|DETAILS|SVG|IMG|FORM|NAV|ASIDE)$/i.test(n.tagName)) {
            if (seq.length && seq[seq.length - 1] !== 'content') seq.push('content');
          }
        }
        const out = [];
        for (let i = 0; i + 1 < seq.length; i++) {
          const a = seq[i];
          const b = seq[i + 1];
          if (a !== 'content' && b !== 'content' && b.level <= a.level) out.push(`"${a.text}" (h${a.level}) then "${b.text}" (h${b.level})`);
        }
        return out;
      });
      await page.close();
      for (const e of empty) failures.push(`${path}: ${e}`);
    }
    assert.deepEqual(failures, [], `headings with nothing under them:\n${failures.join('\n')}`);
  });

  test('the sources page lists grouped sources under their headings, in number order, with long "Cited on" lists collapsed', async (t) => {
    const page = await context.newPage();
    try {
      await page.goto(url(SOURCES_PATH), { waitUntil: 'load' });
      const groups = await page.evaluate(() =>
        [...document.querySelectorAll('ol.sources')].map((ol) => {
          const h = ol.previousElementSibling;
          return {
            title: h && h.matches('h3.source-group') ? h.innerText.trim() : null,
            numbers: [...ol.children].map((li) => Number(li.getAttribute('value'))),
          };
        }),
      );
      const numbers = groups.flatMap((g) => g.numbers);
      assert.ok(numbers.length > 0, 'the sources page lists no source');
      assert.deepEqual(numbers, numbers.map((_, i) => i + 1), 'sources are numbered 1, 2, 3… down the page');
      if (groups.length > 1) {
        assert.ok(groups.every((g) => g.title), 'with several lists, each has a group heading (h3.source-group)');
        t.diagnostic(groups.map((g) => `${g.title}: ${g.numbers.length}`).join('; '));
      }
      const box = page.locator('details.cited-by').first();
      if (await box.count()) {
        const list = box.locator('a').first();
        assert.equal(await list.isVisible(), false, 'a collapsed "Cited on" list hides its links');
        await box.locator('summary').click();
        assert.equal(await list.isVisible(), true, 'opening the box shows its links');
        assert.match(await box.locator('summary').innerText(), /\d+/, 'the summary says how many pages');
      }
    } finally {
      await page.close();
    }
  });

  test('every citation link resolves to an element on the sources page', async () => {
    const targets = new Map(); // href -> first page citing it
    let count = 0;
    for (const { path } of PAGES) {
      for (const href of (await factsFor(context, path)).citations) {
        count++;
        if (!targets.has(href)) targets.set(href, path);
      }
    }
    assert.ok(count > 0, 'no citation links (sup.cite a) on any page');
    const sourcesUrl = url(SOURCES_PATH);
    const page = await context.newPage();
    const response = await page.goto(sourcesUrl, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `the sources page ${SOURCES_PATH} does not load`);
    const ids = new Set(await page.locator('[id]').evaluateAll((els) => els.map((e) => e.id)));
    await page.close();
    const failures = [];
    for (const [href, from] of targets) {
      const u = new URL(href);
      const id = decodeURIComponent(u.hash.slice(1));
      if (u.origin + u.pathname !== sourcesUrl) failures.push(`${from}: citation ${href} does not point at the sources page ${SOURCES_PATH}`);
      else if (!id) failures.push(`${from}: citation ${href} has no #fragment`);
      else if (!ids.has(id)) failures.push(`${from}: citation ${href}: no element with id "${id}" on ${SOURCES_PATH}`);
    }
    assert.ok(failures.length === 0, `\n${failures.join('\n')}\n(${count} citation links, ${targets.size} distinct)`);
  });
});

// ---------------------------------------------------------------------------------------------
// Opened from disk: folder links still lead to pages.
// ---------------------------------------------------------------------------------------------
test('from disk (file://), the first navigation link opens its page', async () => {
  const context = await browser.newContext({ viewport: DESKTOP.viewport });
  try {
    const page = await context.newPage();
    const home = pathToFileURL(join(SITE_DIR, 'index.html')).href;
    await page.goto(home, { waitUntil: 'load' });
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link').first();
    assert.ok((await link.count()) === 1, 'no link in the main navigation (nav[aria-label=Main])');
    const label = (await link.innerText()).trim();
    const href = await link.getAttribute('href');
    await Promise.all([page.waitForURL((u) => u.href !== home, { timeout: 10_000 }), link.click()]);
    await page.waitForLoadState('load');
    const now = page.url();
    assert.ok(now.startsWith('file://'), `left the disk: ${now}`);
    assert.ok(now.endsWith('/index.html'), `clicking "${label}" (${href}) opened ${now}, not a page (a folder from disk shows a file listing)`);
    assert.equal(await page.locator('main').count(), 1, `${now}: no <main> element; the page did not load`);
    const h1 = (await page.locator('main h1').first().innerText()).trim();
    assert.ok(h1.length > 0, `${now}: no heading`);
  } finally {
    await context.close();
  }
});
