// Page weight: each HTML page plus the CSS and JS it loads, gzip-compressed, must stay within
// the budget (default 30 KB). Prints every page's size; exits 1 when one is over.
// Usage: node tests/browser/page-weight.mjs [SITE_DIR] [--budget-kb N]
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve, relative } from 'node:path';
import { SITE_DIR, htmlPages, basePath } from './helpers.mjs';

const args = process.argv.slice(2);
const budgetAt = args.indexOf('--budget-kb');
const budgetKb = budgetAt >= 0 ? Number(args.splice(budgetAt, 2)[1]) : 30;
const root = resolve(args[0] || SITE_DIR);
const prefix = basePath(root);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(5);

/** The local files a page loads as CSS or JS (external URLs are reported, not counted). */
function assets(file, html) {
  const out = [];
  const tags = html.match(/<(?:link|script)\b[^>]*>/gi) || [];
  for (const tag of tags) {
    const isCss = /^<link/i.test(tag) && /\brel\s*=\s*["']?[^"'>]*\bstylesheet\b/i.test(tag);
    const isJs = /^<script/i.test(tag);
    if (!isCss && !isJs) continue;
    const m = tag.match(isCss ? /\bhref\s*=\s*["']([^"']+)["']/i : /\bsrc\s*=\s*["']([^"']+)["']/i);
    if (!m) continue;
    const ref = m[1].replace(/[?#].*$/, '');
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(ref)) {
      out.push({ ref, missing: 'external, not counted' });
      continue;
    }
    let path;
    if (ref.startsWith('/')) {
      path = ref.startsWith(prefix) ? join(root, decodeURIComponent(ref.slice(prefix.length))) : null;
    } else {
      path = resolve(dirname(file), decodeURIComponent(ref));
    }
    if (!path || !existsSync(path)) out.push({ ref, missing: 'not found' });
    else out.push({ ref, path });
  }
  return out;
}

const budget = budgetKb * 1024;
let over = 0;
const rows = [];
for (const { file, path } of htmlPages(root)) {
  const html = readFileSync(file);
  let total = gz(html);
  const parts = [`html ${kb(gz(html))}`];
  for (const a of assets(file, html.toString('utf8'))) {
    if (a.path) {
      const size = gz(readFileSync(a.path));
      total += size;
      parts.push(`${relative(root, a.path)} ${kb(size).trim()}`);
    } else parts.push(`${a.ref} (${a.missing})`);
  }
  const bad = total > budget;
  if (bad) over++;
  rows.push(`${bad ? 'OVER' : '  ok'} ${kb(total)} KB  ${path}  [${parts.join(', ')}]`);
}
console.log(`page weight (gzip -9, HTML + its CSS/JS; budget ${budgetKb} KB per page):`);
for (const r of rows) console.log('  ' + r);
if (over) {
  console.error(`page weight: ${over} page(s) over ${budgetKb} KB`);
  process.exit(1);
}
console.log(`page weight: all ${rows.length} pages within ${budgetKb} KB`);
