// Full-page phone screenshots (390×844) of the home page, a department page and the comparison,
// from a built site, for the README. Builds nothing: build the site first.
// Usage: node tests/screenshots.mjs [SITE_DIR] [OUT_DIR]   (defaults: public/, docs/screenshots/)
//
// With --charts, the pictures of docs/charts.md instead: the org chart and the function map of
// the shipped site and of tests/fixtures/deep-reform, on a phone (390 px) and a desktop
// (1280 px), as docs/screenshots/charts-*.png. This mode builds the two sites itself with the
// debug binary (PILLAR_BIN, default target/debug/pillar) into a temporary folder.
// Usage: node tests/screenshots.mjs --charts [OUT_DIR]
//
// With --modelling, the pictures of docs/modelling.md: for each modelling case, the part of
// the deep example's (examples/harbour-ministry) org chart or function map that draws it, at
// desktop width, as docs/screenshots/modelling-*.png; and both charts of the deep example at
// 390 px and 1280 px as docs/screenshots/charts-harbour-*.png. Builds the example itself.
// Usage: node tests/screenshots.mjs --modelling [OUT_DIR]
// Needs tests/browser/node_modules (bash tests/setup.sh) and Chromium.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO, SITE_DIR, LAUNCH_OPTIONS, PHONE, DESKTOP, startServer, siteIsBuilt } from './browser/helpers.mjs';

// playwright-core lives in tests/browser/node_modules.
const require = createRequire(join(REPO, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

if (process.argv[2] === '--modelling') {
  await modellingShots(resolve(process.argv[3] || join(REPO, 'docs', 'screenshots')));
  process.exit(0);
}
if (process.argv[2] === '--charts') {
  await chartShots(resolve(process.argv[3] || join(REPO, 'docs', 'screenshots')));
  process.exit(0);
}

const site = resolve(process.argv[2] || SITE_DIR);
const out = resolve(process.argv[3] || join(REPO, 'docs', 'screenshots'));
const SHOTS = [
  { path: '', file: 'home.png' },
  { path: 'departments/dpo/', file: 'department-dpo.png' },
  { path: 'comparison/', file: 'comparison.png' },
];

if (!siteIsBuilt(site)) {
  console.error(`no built site in ${site}; build it first (cargo run -- build)`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const server = await startServer(site);
const browser = await chromium.launch(LAUNCH_OPTIONS);
try {
  const { name, ...device } = PHONE;
  const context = await browser.newContext({ ...device, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' });
  for (const shot of SHOTS) {
    const page = await context.newPage();
    const response = await page.goto(new URL(shot.path, server.url).href, { waitUntil: 'load' });
    if (!response || response.status() !== 200) throw new Error(`${shot.path || '/'}: HTTP ${response?.status()}`);
    await page.evaluate(() => document.fonts.ready);
    const file = join(out, shot.file);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    console.log(`${file}  (${shot.path || '/'}, ${device.viewport.width}×${device.viewport.height}, full page)`);
    await page.close();
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

/** The charts of docs/charts.md: each project × picture × device, the picture alone. */
async function chartShots(outDir) {
  const bin = process.env.PILLAR_BIN || join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'pillar');
  const projects = [
    { name: 'shipped', root: REPO },
    { name: 'deep', root: join(REPO, 'tests', 'fixtures', 'deep-reform') },
  ];
  const pictures = [
    { name: 'org', selector: 'figure.org-chart' },
    { name: 'flow', selector: 'figure.flow-chart' },
  ];
  const tmp = mkdtempSync(join(tmpdir(), 'pillar-chart-shots-'));
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch(LAUNCH_OPTIONS);
  try {
    for (const project of projects) {
      const site = join(tmp, project.name);
      execFileSync(bin, ['build', '--quiet', '--root', project.root, '--output', site], { stdio: 'inherit' });
      const server = await startServer(site);
      for (const device of [PHONE, DESKTOP]) {
        const { name, ...options } = device;
        const context = await browser.newContext({ ...options, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' });
        const page = await context.newPage();
        await page.goto(new URL('comparison/', server.url).href, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        for (const picture of pictures) {
          const frame = page.locator(`${picture.selector} .chart-frame`).filter({ visible: true }).first();
          const file = join(outDir, `charts-${project.name}-${picture.name}-${name}.png`);
          await frame.screenshot({ path: file, animations: 'disabled' });
          console.log(`${file}  (${project.name} /comparison/, ${device.viewport.width} px)`);
        }
        await context.close();
      }
      await server.close();
    }
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Each case of docs/modelling.md, cut from the deep example's comparison page: the boxes (org
 * chart) or the labels (function map) named, with everything between them (the arrows or
 * bands that join them).
 */
function cases() {
  return [
  { file: 'modelling-merger.png', picture: 'org', labels: ['Pilotage Service', 'Dredging Unit', 'Pilotage and Dredging Unit'] },
  { file: 'modelling-split.png', picture: 'org', labels: ['Port Office', 'Licensing Office', 'Port Regulation Office', 'Port Services Unit'] },
  { file: 'modelling-transfer.png', picture: 'org', labels: ['Maritime Safety Directorate', 'Coastwatch Unit', 'Safety Directorate'] },
  { file: 'modelling-dual-reporting.png', picture: 'org', labels: ['Shared Corporate Services', 'Regional Coordination Desks'] },
  { file: 'modelling-rename.png', picture: 'org', labels: ['HRO', 'MRO'] },
  { file: 'modelling-uncertain.png', picture: 'org', labels: ['Fisheries Science Unit', 'Fish Stocks Unit'] },
  { file: 'modelling-uncertain-functions.png', picture: 'flow', labels: ['Fisheries Science Unit', 'Fish Stocks Unit', 'Strategy Office', 'Policy and Regulation'] },
  { file: 'modelling-parallel.png', picture: 'flow', labels: ['Transport Statistics Unit', 'NSB', 'Outside the reform'] },
  ];
}

async function modellingShots(outDir) {
  const bin = process.env.PILLAR_BIN || join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'pillar');
  const tmp = mkdtempSync(join(tmpdir(), 'pillar-modelling-shots-'));
  mkdirSync(outDir, { recursive: true });
  const site = join(tmp, 'harbour');
  execFileSync(bin, ['build', '--quiet', '--root', join(REPO, 'examples', 'harbour-ministry'), '--output', site], { stdio: 'inherit' });
  const server = await startServer(site);
  const browser = await chromium.launch(LAUNCH_OPTIONS);
  try {
    for (const device of [PHONE, DESKTOP]) {
      const { name, ...options } = device;
      const context = await browser.newContext({ ...options, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' });
      const page = await context.newPage();
      await page.goto(new URL('comparison/', server.url).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      // Both charts of the deep example, each with its key.
      for (const [picture, selector] of [['org', 'figure.org-chart'], ['flow', 'figure.flow-chart']]) {
        const file = join(outDir, `charts-harbour-${picture}-${name}.png`);
        const clip = await page.evaluate((sel) => {
          const fig = document.querySelector(sel);
          const parts = [...fig.querySelectorAll('.chart-frame, .chart-legend')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
          const top = Math.min(...parts.map((r) => r.top)) + scrollY;
          const bottom = Math.max(...parts.map((r) => r.bottom)) + scrollY;
          const left = Math.min(...parts.map((r) => r.left));
          const right = Math.max(...parts.map((r) => r.right));
          return { x: Math.max(0, left - 4), y: top - 4, width: right - left + 8, height: bottom - top + 8 };
        }, selector);
        await page.screenshot({ path: file, clip, fullPage: true, animations: 'disabled' });
        console.log(`${file}  (harbour-ministry /comparison/, ${device.viewport.width} px)`);
      }
      if (device !== DESKTOP) {
        await context.close();
        continue;
      }
      for (const c of cases()) {
        const clip = await page.evaluate(({ picture, labels }) => {
          const fig = document.querySelector(picture === 'org' ? 'figure.org-chart' : 'figure.flow-chart');
          const svg = [...fig.querySelectorAll('.chart-frame svg')].find((s) => s.getBoundingClientRect().width > 0);
          const rects = [];
          for (const label of labels) {
            const text = [...svg.querySelectorAll('text')].find((t) => (t.querySelector('tspan')?.textContent || t.textContent).trim().startsWith(label));
            if (!text) throw new Error(`no label "${label}" in the ${picture} chart`);
            // In the org chart, the label's box: the <rect> drawn just before the label.
            let box = text;
            if (picture === 'org') {
              let el = text.closest('g') && text.closest('g') !== svg ? text.closest('g') : text;
              while (el && el.tagName !== 'rect') el = el.previousElementSibling;
              box = el || text;
            }
            rects.push(box.getBoundingClientRect());
          }
          const frame = svg.getBoundingClientRect();
          const top = Math.min(...rects.map((r) => r.top)) - 16;
          const bottom = Math.max(...rects.map((r) => r.bottom)) + 16;
          // From the left edge of the picture to its right one: the arrows run between.
          return { x: frame.left, y: top + scrollY, width: frame.width, height: bottom - top };
        }, c);
        const file = join(outDir, c.file);
        await page.screenshot({ path: file, clip, fullPage: true, animations: 'disabled' });
        console.log(`${file}  (${c.labels.join(', ')})`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
