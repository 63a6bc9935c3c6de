// The charts as a reader sees them, in Chromium (playwright-core): on every page that has an
// org chart or a function map, at 390 px and at 1280 px, every line of text of every chart
// lies inside its SVG's visible box, no two labels overlap, and a label cut short with "…"
// carries the full name in a tooltip (<title>) that the page's text also gives.
//
// It builds the sites itself with the debug binary (PILLAR_BIN, default target/debug/pillar)
// into temporary folders: the shipped site, examples/river-authority, and the fixtures
// tests/fixtures/long-names (50-character names), tests/fixtures/deep-reform (three levels) and
// examples/harbour-ministry (the deep example). On the deep example it also checks that the
// pictures draw what the model knows: unconfirmed moves dashed, with a key, and said in words;
// the second parent of a dual-reporting unit; the old name of a renamed unit.
// Run: node --test tests/browser/charts.test.mjs
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, LAUNCH_OPTIONS, PHONE, DESKTOP, startServer, htmlPages } from './helpers.mjs';

const BIN = process.env.PILLAR_BIN || join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'pillar');
const PROJECTS = [
  { name: 'shipped site', root: REPO },
  { name: 'river-authority', root: join(REPO, 'examples', 'river-authority') },
  { name: 'long-names', root: join(REPO, 'tests', 'fixtures', 'long-names') },
  { name: 'deep-reform', root: join(REPO, 'tests', 'fixtures', 'deep-reform') },
  { name: 'harbour-ministry', root: join(REPO, 'examples', 'harbour-ministry'), model: true },
];

let dir;
let browser;

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build first (or set PILLAR_BIN)`);
  dir = mkdtempSync(join(tmpdir(), 'pillar-charts-test-'));
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What is wrong with the charts of the page open in `page` (an empty list when nothing). */
function chartProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const slack = 0.5;
    const inside = (r, box) =>
      r.left >= box.left - slack && r.right <= box.right + slack && r.top >= box.top - slack && r.bottom <= box.bottom + slack;
    const show = (r) => `[${Math.round(r.left)}, ${Math.round(r.top)} – ${Math.round(r.right)}, ${Math.round(r.bottom)}]`;
    const pageText = document.querySelector('main')?.textContent.replace(/\s+/g, ' ') || '';
    const svgs = [...document.querySelectorAll('figure .chart-frame svg')].filter((s) => s.getBoundingClientRect().width > 0);
    if (svgs.length === 0) problems.push('no visible chart');
    for (const svg of svgs) {
      const where = svg.getAttribute('aria-labelledby')?.split(' ')[0].replace(/-title$/, '') || 'svg';
      const box = svg.getBoundingClientRect();
      // One box per line of text: each <tspan> that starts a line, or the <text> itself.
      const lines = [];
      for (const text of svg.querySelectorAll('text')) {
        const own = [...text.children].filter((c) => c.tagName === 'tspan' && c.hasAttribute('x'));
        const parts = own.length ? own : [text];
        for (const part of parts) {
          const r = part.getBoundingClientRect();
          if (r.width === 0) continue;
          lines.push({ text, r, label: part.textContent });
          if (!inside(r, box)) problems.push(`${where}: "${part.textContent}" ${show(r)} is outside the picture ${show(box)}`);
        }
        // Text outside the line <tspan>s counts too.
        const whole = text.getBoundingClientRect();
        if (own.length && whole.width > 0 && !inside(whole, box)) problems.push(`${where}: "${text.textContent}" ${show(whole)} is outside the picture ${show(box)}`);
        const shown = text.textContent.trim();
        if (shown.endsWith('…')) {
          const title = text.closest('g')?.querySelector(':scope > title')?.textContent.trim() || '';
          if (!title) problems.push(`${where}: "${shown}" is cut without the full name in a <title>`);
          else if (!pageText.includes(title.replace(/\s+/g, ' ').replace(/ \([^)]*\)$/, ''))) {
            problems.push(`${where}: the full name "${title}" of the cut label "${shown}" is not in the page's text`);
          }
        }
      }
      for (let i = 0; i < lines.length; i++) {
        for (let j = i + 1; j < lines.length; j++) {
          const [a, b] = [lines[i], lines[j]];
          if (a.text === b.text) continue;
          const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (w > 1 && h > 1) problems.push(`${where}: "${a.label}" ${show(a.r)} overlaps "${b.label}" ${show(b.r)}`);
        }
      }
    }
    return problems;
  });
}

for (const project of PROJECTS) {
  describe(`charts of ${project.name}`, () => {
    let site;
    let server;
    let pages;
    before(async () => {
      site = join(dir, project.name.replace(/\W+/g, '-'));
      execFileSync(BIN, ['build', '--quiet', '--root', project.root, '--output', site], { stdio: ['ignore', 'ignore', 'pipe'] });
      server = await startServer(site);
      pages = htmlPages(site).filter(({ file }) => readFileSync(file, 'utf8').includes('class="chart-frame'));
    });
    after(async () => {
      await server?.close();
    });

    if (project.model) {
      for (const device of [PHONE, DESKTOP]) {
        test(`the pictures draw what the model knows at ${device.viewport.width} px`, async () => {
          const { name, ...options } = device;
          const context = await browser.newContext(options);
          try {
            const page = await context.newPage();
            await page.goto(new URL('comparison/', server.url).href, { waitUntil: 'load' });
            await modelChecks(page);
          } finally {
            await context.close();
          }
        });
      }
    }

    for (const device of [PHONE, DESKTOP]) {
      test(`no chart text is clipped or overlaps at ${device.viewport.width} px`, async () => {
        assert.ok(pages.length >= 2, `${project.name}: expected charts on the home and comparison pages, found ${pages.length} pages`);
        const { name, ...options } = device;
        const context = await browser.newContext(options);
        const failures = [];
        try {
          for (const { path } of pages) {
            const page = await context.newPage();
            await page.goto(new URL(path.replace(/^\//, ''), server.url).href, { waitUntil: 'load' });
            await page.evaluate(() => document.fonts.ready);
            for (const p of await chartProblems(page)) failures.push(`${path} [${device.viewport.width} px]: ${p}`);
            await page.close();
          }
        } finally {
          await context.close();
        }
        assert.ok(failures.length === 0, `\n${failures.slice(0, 40).join('\n')}${failures.length > 40 ? `\n… and ${failures.length - 40} more` : ''}`);
      });
    }
  });
}

/** The visible SVG of a figure (the layout the stylesheet shows at this width). */
function shownSvg(page, figure) {
  return page.locator(`${figure} .chart-frame`).filter({ visible: true }).locator('svg').first();
}

const dashes = (loc) => loc.evaluateAll((els) => els.map((e) => getComputedStyle(e).strokeDasharray));
const dashed = (v) => v && v !== 'none' && /\d/.test(v) && !/^0(\.\d+)?(px)?[ ,]/.test(v);

/**
 * The deep example's comparison page: its one uncertain unit move (fish-science → Fish Stocks
 * Unit) and two unconfirmed function moves are dashed in the pictures, the keys explain the
 * dashes, and the text alternatives say "uncertain" / "reported"; the dual-reporting desks show
 * their second parent; the renamed records office shows its old name.
 */
async function modelChecks(page) {
  // Org chart: exactly the unconfirmed arrows are dashed; a carrying-on arrow is dotted.
  const org = shownSvg(page, 'figure.org-chart');
  const doubtful = await dashes(org.locator('path.oc-arrow.doubtful'));
  assert.equal(doubtful.length, 1, 'one unconfirmed unit move in the org chart');
  assert.ok(doubtful.every(dashed), `unconfirmed arrows are not dashed: ${doubtful}`);
  const plain = await dashes(org.locator('path.oc-arrow:not(.doubtful):not(.continues)'));
  assert.ok(plain.length > 10 && plain.every((v) => v === 'none'), `confirmed arrows must be solid: ${[...new Set(plain)]}`);
  const key = page.locator('figure.org-chart .chart-legend');
  await assert.doesNotReject(key.waitFor({ state: 'visible', timeout: 2000 }), 'the org chart has no visible key');
  const keyText = (await key.textContent()).replace(/\s+/g, ' ');
  assert.match(keyText, /not confirmed: reported or uncertain/);
  assert.match(keyText, /also reports to/);
  const sample = await dashes(key.locator('path.oc-arrow.doubtful'));
  assert.deepEqual(sample, doubtful.slice(0, 1), 'the key draws the unconfirmed line as the chart does');

  // Dual reporting and the rename, in the picture.
  const svgText = (await org.textContent()).replace(/\s+/g, ' ');
  assert.match(svgText, /also reports to MOA/, 'the dual-reporting desks do not show their second parent');
  assert.match(svgText, /formerly HRO/, 'the renamed office does not show its old name');
  assert.match(svgText, /Harbour Records Office/, 'the before column does not call the office by its old name');

  // The chart in words says the same.
  const words = (await page.locator('figure.org-chart .chart-alt').textContent()).replace(/\s+/g, ' ');
  assert.match(words, /Fisheries Science Unit[^.]*its work goes to Fish Stocks Unit \(uncertain\)/);
  assert.match(words, /Regional Coordination Desks[^.]*also reports to MOA/);
  assert.match(words, /Maritime Records Office \(MRO\), formerly Harbour Records Office \(HRO\)/);
  assert.match(words, /Harbour Records Office \(HRO\)[^.]*renamed Maritime Records Office/);

  // Function map: the two unconfirmed moves are dashed bands, with a key, and said in words.
  const flow = shownSvg(page, 'figure.flow-chart');
  const bands = await dashes(flow.locator('path.flow-band.doubtful'));
  assert.equal(bands.length, 2, 'two unconfirmed function moves in the map');
  assert.ok(bands.every(dashed), `unconfirmed bands are not dashed: ${bands}`);
  const solid = await dashes(flow.locator('path.flow-band:not(.doubtful)'));
  assert.ok(solid.every((v) => v === 'none'), 'confirmed bands must not be dashed');
  assert.match((await page.locator('figure.flow-chart .chart-legend').textContent()).replace(/\s+/g, ' '), /dashed band: a move the sources do not confirm/);
  const mapWords = (await page.locator('figure.flow-chart .chart-alt').textContent()).replace(/\s+/g, ' ');
  assert.match(mapWords, /Ferry contracts and terminals \(reported\)/);
  assert.match(mapWords, /Fish stock surveys \(uncertain\)/);
  assert.match(await flow.locator('desc').textContent(), /\(uncertain\)/, "the map's description does not say which moves are uncertain");
}
