// Checks the shipped explainer's text as a reader sees it (innerText in headless Chromium):
//  1. none of the project's working vocabulary ("seed", "fact sheet", "stored", ...) reaches a page;
//  2. every acronym a page uses is expanded at or before its first use on that page, or has a
//     glossary entry and is marked there with <abbr title>, and no page uses an acronym that has no
//     glossary entry (apart from a short list of news agencies and similar names);
//  3. a source whose address is on a known document-mirror or aggregator site says so in its note;
//  4. no sentence on the home page, or on a unit page, runs over 40 words, and the home page's
//     sentences average under 20 words (the average, the longest sentence and the word count are
//     printed as test diagnostics).
//
// The acronym checks read the glossary of the default edition's data file, so they run over the
// default edition's pages; the pages of an edition in another language (a folder of SITE_DIR with
// its own sitemap.xml, e.g. fr/) get check 1 only, until the checks read its overlay (and check 4
// has thresholds for its language).
//
// It builds nothing: it reads the site already built in SITE_DIR (default public/).
// Run: SITE_DIR=/tmp/content-site node --test tests/browser/content.test.mjs
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { SITE_DIR, LAUNCH_OPTIONS, startServer, htmlPages, defaultEditionPages, siteIsBuilt, tomlBlockValues } from './helpers.mjs';

if (!siteIsBuilt()) {
  throw new Error(`no built site in ${SITE_DIR} (build it first, e.g. pillar build --output "$SITE_DIR")`);
}

const SOURCES_PATH = process.env.SOURCES_PATH || '/sources/';
const PAGES = htmlPages().filter((p) => !p.path.endsWith('/404.html'));
/** The default edition's pages, whose words the data file's glossary describes. */
const DEFAULT_PAGES = defaultEditionPages().filter((p) => p.path !== '/404.html');

/** Words from the project's own working notes that mean nothing to a reader. */
export const WORKING_VOCABULARY = [
  /\bseed\b/i,
  /\bseeds\b/i,
  /\bfact[ -]?sheet\b/i,
  /\bstored\b/i,
  /\bstored (?:copy|excerpt|page|source)/i,
  /\bmirror(?:ed)? cop(?:y|ies)\b/i,
  /\bthe sources used here\b/i,
  /\bthis project\b/i,
  /\brecollection\b/i,
  /\[recalled\]|\[verified\]|\[seed\+verified\]/i,
];

/** Document-mirror and aggregator sites: a source whose address is on one must say so. */
export const MIRROR_HOSTS = [
  'vdocuments', 'docslib', 'fdocuments', 'lawsdocbox', 'businessdocbox', 'theinfolist',
  'absoluteastronomy', 'worldinz', 'pdfslide', 'readkong', 'dokumen', 'documents.pub', 'studylib',
  'yumpu', 'pdfcoffee', 'girlsrightsplatform', 'minorityforum', 'humanrightsvoices', 'reteccp',
];
export const MIRROR_MARK = /third-party site/i;
export const isMirror = (href) => {
  try {
    const host = new URL(href).hostname.toLowerCase();
    return MIRROR_HOSTS.some((m) => host.includes(m));
  } catch {
    return false;
  }
};

// Acronyms and their expansions, from the glossary in the data file. The generator only marks
// single-word terms, so those are the ones checked.
const TERMS = tomlBlockValues('term', 'term');
const EXPANSIONS = tomlBlockValues('term', 'expansion');
assert.equal(TERMS.length, EXPANSIONS.length, 'every [[term]] has a term and an expansion');
const GLOSSARY = TERMS.map((term, i) => ({ term, expansion: EXPANSIONS[i] })).filter((g) => /^[\p{L}\p{N}]+$/u.test(g.term));

/** Upper-case names a reader can meet without a glossary entry: agencies and the like. */
const NOT_ACRONYMS = new Set(['UN', 'US', 'USA', 'AFP', 'AP', 'IANS', 'UPI', 'TASS', 'APS', 'NCA', 'UNA', 'ICC', 'UNITAR', 'UNIS', 'SDG', 'EDT', 'NYU', 'I', 'II', 'III', 'IV', 'A', 'S', 'C', 'B', 'RES', 'AB', 'SM', 'SGA', 'SC', 'PDF', 'TOML', 'URL', 'HTML', 'CSV', 'JSON', 'FAQ', 'DAG', 'UNSCOL', 'CRS',
  // words in the headlines or names of sources: Daily FT, a Sri Lankan headline's "SL", an archive's
  // "AG-050", UNITAR NY, an IISD headline's "UNGA", the French "ONU", VOV World
  'FT', 'SL', 'AG', 'NY', 'UNGA', 'ONU', 'VOV']);

let browser;
let server;
const facts = new Map();

before(async () => {
  server = await startServer(SITE_DIR);
  browser = await chromium.launch(LAUNCH_OPTIONS);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const url = (path) => new URL(path.replace(/^\//, ''), server.url).href;

/** What a reader sees on one page, read in the browser. */
async function readPage(path) {
  if (facts.has(path)) return facts.get(path);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url(path), { waitUntil: 'load' });
  const result = await page.evaluate(
    ({ glossary, notAcronyms: allowed }) => {
      const notAcronyms = new Set(allowed);
      const main = document.querySelector('main') || document.body;
      // Pictures carry their own text alternative; hidden text is not read.
      const skip = 'svg, figure.org-chart, script, style, noscript, [aria-hidden="true"]';
      const nodes = [];
      let full = '';
      const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest(skip) || el.getClientRects().length === 0) continue;
        nodes.push({ node: n, start: full.length });
        full += n.data + ' ';
      }
      const flat = full.replace(/\s+/g, ' ');
      const nodeAt = (i) => {
        let found = nodes[0];
        for (const x of nodes) {
          if (x.start <= i) found = x;
          else break;
        }
        return found;
      };
      const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const norm = (s) => s.toLowerCase().replace(/\s+/g, ' ');
      const lowerFull = norm(full);
      const variants = (exp) => {
        const e = norm(exp);
        return [...new Set([e, e.replace(/united nations /g, 'un '), e.replace(/^un /, 'united nations ')])];
      };
      const problems = [];
      const marked = [...main.querySelectorAll('abbr[title]')].filter((a) => a.getAttribute('title').trim() !== '');
      for (const { term, expansion } of glossary) {
        // Whole word, case-sensitive; a document symbol such as GA/11994 or A/RES/72/199 is not a use.
        const re = new RegExp(`(?<![\\p{L}\\p{N}/])${esc(term)}(?![\\p{L}\\p{N}/])`, 'u');
        const m = re.exec(full);
        if (!m) continue;
        const at = m.index;
        const { node } = nodeAt(at);
        const abbr = node.parentElement.closest('abbr[title]');
        const isMarked = !!abbr && abbr.textContent.trim() === term && abbr.getAttribute('title').trim() !== '';
        const markedBefore = marked.some((a) => a.textContent.trim() === term && a.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
        // "Full Name (ACR)" earlier on the page, or "ACR (Full Name)" / "ACR: Full Name" right after it.
        const before = lowerFull.slice(0, at);
        const afterText = lowerFull.slice(at, at + term.length + 100);
        const expanded = variants(expansion).some((v) => before.includes(v) || afterText.includes(v));
        if (!(isMarked || markedBefore || expanded)) {
          problems.push(`"${term}" (${expansion}) is used before it is expanded: …${full.slice(Math.max(0, at - 60), at + term.length + 40).replace(/\s+/g, ' ')}…`);
        }
      }
      // Acronyms with no glossary entry at all.
      const known = new Set(glossary.map((g) => g.term));
      const unknown = new Set();
      for (const m of full.matchAll(/(?<![\p{L}\p{N}/.-])(\p{Lu}{2,}\p{Ll}?)(?![\p{L}\p{N}/])/gu)) {
        const w = m[1].replace(/s$/, '');
        if (!known.has(w) && !known.has(m[1]) && !notAcronyms.has(w)) unknown.add(m[1]);
      }
      const sources = [...document.querySelectorAll('li[id^="source-"]')].map((li) => ({
        id: li.id,
        href: li.querySelector('.source-title a')?.href || null,
        note: li.querySelector('.source-note')?.innerText || '',
        title: li.querySelector('.source-title')?.innerText || '',
      }));
      return {
        bodyText: document.body.innerText,
        title: document.title,
        flat,
        acronymProblems: problems,
        unknownAcronyms: [...unknown],
        sources,
      };
    },
    { glossary: GLOSSARY, notAcronyms: [...NOT_ACRONYMS] },
  );
  result.unknownAcronyms = result.unknownAcronyms.filter((a) => !NOT_ACRONYMS.has(a));
  facts.set(path, result);
  await page.close();
  return result;
}

/**
 * The sentences of a page's prose, as a reader sees them: paragraphs, list items and table cells
 * of `main`, without headings, citation marks, the org chart, the key facts and buttons.
 */
async function sentences(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url(path), { waitUntil: 'load' });
  const blocks = await page.evaluate(() => {
    const main = (document.querySelector('main') || document.body).cloneNode(true);
    main.querySelectorAll('sup.cite, svg, figure, dl.key-facts, .actions, h1, h2, h3, h4, h5, h6, .eyebrow, .cites, .source-refs, nav, script, style, .event-date, caption, thead').forEach((e) => e.remove());
    main.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
    const out = [];
    main.querySelectorAll('p, li, td, dd').forEach((el) => {
      if (el.querySelector('p, li')) return; // the inner block is counted instead
      for (const line of el.textContent.split(/\n+/)) {
        const t = line.replace(/\s+/g, ' ').trim();
        if (t) out.push(t);
      }
    });
    return out;
  });
  await page.close();
  const result = [];
  for (const block of blocks) {
    for (const s of block.split(/(?<=[.!?]["”’)]?)\s+(?=["“(]?[\p{Lu}\p{N}])/u)) {
      const words = s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
      if (words.length) result.push({ text: s, words: words.length });
    }
  }
  return result;
}

describe('the text a reader sees', () => {
  test('no page uses the working vocabulary of the research ("seed", "fact sheet", "stored", …)', async () => {
    const hits = [];
    for (const { path } of PAGES) {
      const { bodyText, title } = await readPage(path);
      for (const re of WORKING_VOCABULARY) {
        for (const text of [bodyText, title]) {
          const m = re.exec(text);
          if (m) hits.push(`${path}: ${re} …${text.slice(Math.max(0, m.index - 50), m.index + 50).replace(/\s+/g, ' ')}…`);
        }
      }
    }
    assert.deepEqual(hits, [], `working vocabulary on the pages:\n${hits.join('\n')}`);
  });

  test('every acronym is expanded (or marked with <abbr title>) at or before its first use on each page', async () => {
    const problems = [];
    for (const { path } of DEFAULT_PAGES) {
      const { acronymProblems } = await readPage(path);
      for (const p of acronymProblems) problems.push(`${path}: ${p}`);
    }
    assert.deepEqual(problems, [], `${problems.length} acronyms used before they are expanded:\n${problems.join('\n')}`);
  });

  test('every acronym a page uses has a glossary entry', async () => {
    const problems = [];
    for (const { path } of DEFAULT_PAGES) {
      const { unknownAcronyms } = await readPage(path);
      if (unknownAcronyms.length) problems.push(`${path}: ${unknownAcronyms.join(', ')}`);
    }
    assert.deepEqual(problems, [], `acronyms with no glossary entry:\n${problems.join('\n')}`);
  });

  test('a source whose address is on a document-mirror site is marked as a copy on a third-party site', async (t) => {
    const { sources } = await readPage(SOURCES_PATH);
    assert.ok(sources.length >= 50, `the sources page lists the sources (found ${sources.length})`);
    const unmarked = sources.filter((s) => s.href && isMirror(s.href) && !MIRROR_MARK.test(s.note));
    const mirrors = sources.filter((s) => s.href && isMirror(s.href));
    const official = sources.filter((s) => s.href && /(^|\.)undocs\.org$/.test(new URL(s.href).hostname));
    t.diagnostic(`sources: ${sources.length}; at a mirror address: ${mirrors.length}; at undocs.org: ${official.length}`);
    assert.deepEqual(
      unmarked.map((s) => `${s.id}: ${s.href}`),
      [],
      'sources at a mirror address without the mark "a copy on a third-party site"',
    );
  });
});

describe('sentence length', () => {
  test('no home-page sentence runs over 40 words, and they average under 20', async (t) => {
    const all = await sentences('/');
    assert.ok(all.length > 20, `the home page has prose (found ${all.length} sentences)`);
    const words = all.reduce((n, s) => n + s.words, 0);
    const average = words / all.length;
    const longest = all.reduce((a, b) => (b.words > a.words ? b : a));
    const line = `home page: ${all.length} sentences, ${words} words, average ${average.toFixed(1)} words, longest ${longest.words}: "${longest.text}"`;
    t.diagnostic(line);
    const over = all.filter((s) => s.words > 40).map((s) => `${s.words} words: ${s.text}`);
    assert.deepEqual(over, [], 'home-page sentences over 40 words');
    assert.ok(average < 20, `home-page sentences average ${average.toFixed(1)} words (aim: under 20)`);
  });

  test('no sentence on a unit page runs over 40 words', async () => {
    const over = [];
    for (const { path } of PAGES.filter((p) => /^\/departments\/[^/]+\/$/.test(p.path))) {
      for (const s of await sentences(path)) if (s.words > 40) over.push(`${path}: ${s.words} words: ${s.text}`);
    }
    assert.deepEqual(over, [], `unit-page sentences over 40 words:\n${over.join('\n')}`);
  });
});
