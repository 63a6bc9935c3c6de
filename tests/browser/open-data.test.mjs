// The "Download the data" section, as a reader uses it: on the comparison and sources pages,
// each link leads to a file that the browser receives, whose first line is its header (CSV)
// or whose body parses (JSON). The contents are compared with the data file by the Rust
// tests (tests/testsuite/data/open_data.rs).
// Run: SITE_DIR=… node --test tests/browser/open-data.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { SITE_DIR, LAUNCH_OPTIONS, DESKTOP, startServer, siteIsBuilt } from './helpers.mjs';

if (!siteIsBuilt()) throw new Error(`no built site in ${SITE_DIR}`);

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

const HEADERS = {
  'units.csv': 'id,name,acronym,era,kind',
  'functions.csv': 'id,name,from,to,note,sources',
  'events.csv': 'id,date,date_note,title,kind',
  'sources.csv': 'id,number,title,publisher',
};

for (const path of ['comparison/', 'sources/']) {
  test(`/${path} offers every data file, and each link downloads it`, async () => {
    const context = await browser.newContext({ viewport: DESKTOP.viewport });
    const page = await context.newPage();
    await page.goto(new URL(path, server.url).href);
    const section = page.getByRole('region', { name: 'Download the data' });
    await assert.doesNotReject(section.waitFor({ state: 'visible' }));
    const links = section.getByRole('link');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.href));
    assert.deepEqual(
      hrefs.map((h) => h.split('/').pop()).sort(),
      ['events.csv', 'functions.csv', 'reform.json', 'sources.csv', 'units.csv'],
    );
    for (const href of hrefs) {
      const res = await page.request.get(href);
      assert.equal(res.status(), 200, href);
      const body = await res.text();
      const name = href.split('/').pop();
      if (name.endsWith('.csv')) {
        assert.ok(body.startsWith(HEADERS[name]), `${name}: ${body.slice(0, 80)}`);
      } else {
        const model = JSON.parse(body);
        assert.ok(model.units.length > 0 && model.source_list.length > 0);
      }
    }
    await context.close();
  });
}
