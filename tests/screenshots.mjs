// Full-page phone screenshots (390×844) of the home page, a department page and the comparison,
// from a built site, for the README. Builds nothing: build the site first.
// Usage: node tests/screenshots.mjs [SITE_DIR] [OUT_DIR]   (defaults: public/, docs/screenshots/)
// Needs tests/browser/node_modules (bash tests/setup.sh) and Chromium.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO, SITE_DIR, LAUNCH_OPTIONS, PHONE, startServer, siteIsBuilt } from './browser/helpers.mjs';

// playwright-core lives in tests/browser/node_modules.
const require = createRequire(join(REPO, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

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
