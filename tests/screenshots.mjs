// Full-page phone screenshots (390×844) of the home page, a department page and the comparison,
// from a built site, for the README. Builds nothing: build the site first.
// Usage: node tests/screenshots.mjs [SITE_DIR] [OUT_DIR]   (defaults: public/, docs/screenshots/)
//
// With --charts, the pictures of docs/charts.md instead: the org chart and the function map of
// the shipped site and of tests/fixtures/deep-reform, on a phone (390 px) and a desktop
// (1280 px), as docs/screenshots/charts-*.png. This mode builds the two sites itself with the
// debug binary (PILLAR_BIN, default target/debug/pillar) into a temporary folder.
// Usage: node tests/screenshots.mjs --charts [OUT_DIR]
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
