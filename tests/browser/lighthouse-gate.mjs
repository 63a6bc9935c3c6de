// Reads Lighthouse JSON reports and fails when any category scores below the threshold
// (default 0.95). Prints every score, and for a category under the bar the audits that cost it.
// Usage: node tests/browser/lighthouse-gate.mjs [--min 0.95] REPORT.json...
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const minAt = args.indexOf('--min');
const min = minAt >= 0 ? Number(args.splice(minAt, 2)[1]) : 0.95;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
let failed = 0;

for (const file of args) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`lighthouse: cannot read ${file}: ${e.message}`);
    failed++;
    continue;
  }
  const url = report.finalDisplayedUrl || report.finalUrl || report.requestedUrl || file;
  if (report.runtimeError) {
    console.error(`lighthouse: ${url}: ${report.runtimeError.code}: ${report.runtimeError.message}`);
    failed++;
  }
  const scores = CATEGORIES.map((id) => {
    const score = report.categories?.[id]?.score;
    return { id, score: typeof score === 'number' ? score : null };
  });
  console.log(`lighthouse ${url}\n    ` + scores.map((s) => `${s.id} ${s.score === null ? 'n/a' : s.score.toFixed(2)}`).join('  '));
  for (const { id, score } of scores) {
    if (score !== null && score >= min) continue;
    failed++;
    console.error(`    FAIL ${id}: ${score === null ? 'no score' : score.toFixed(2)} < ${min}`);
    // The audits in this category that did not pass, heaviest first.
    const refs = (report.categories?.[id]?.auditRefs || []).filter((r) => r.weight > 0);
    const losing = refs
      .map((r) => ({ ...r, audit: report.audits[r.id] }))
      .filter((r) => r.audit && r.audit.score !== null && r.audit.score < 1)
      .sort((a, b) => b.weight * (1 - b.audit.score) - a.weight * (1 - a.audit.score));
    for (const r of losing.slice(0, 8)) {
      const value = r.audit.displayValue ? ` (${r.audit.displayValue})` : '';
      console.error(`        ${r.id}: score ${r.audit.score}${value}, weight ${r.weight} — ${r.audit.title}`);
    }
  }
}
if (!args.length) {
  console.error('lighthouse: no reports given');
  failed++;
}
process.exit(failed ? 1 : 0);
