// Shared helpers for the browser checks of the built site: where the site is, a tiny static
// server with pretty URLs, the list of HTML pages, the Chromium launch options, and a minimal
// reader for the parts of content/reform.toml the tests need.
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, extname, relative, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SITE_DIR = resolve(REPO, process.env.SITE_DIR || 'public');
/** The data file of the site in SITE_DIR (the shipped one unless DATA_FILE names another). */
export const DATA_FILE = resolve(REPO, process.env.DATA_FILE || join('content', 'reform.toml'));

/** Chromium: the system package (CI installs it with tests/setup.sh), never a downloaded one. */
export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
export const LAUNCH_OPTIONS = {
  executablePath: CHROME_PATH,
  // The headless flags of /work/shared/TOOLS.md; Playwright adds --headless and a profile itself.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export const PHONE = { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false };

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff2': 'font/woff2',
};

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The path the site is built for, from the home page's canonical link ("/" when it has none):
 * "/un-peace-security-reform/" for base_url "https://example.org/un-peace-security-reform/".
 * The 404 page links to its assets from this path, since it is served at any address.
 */
export function basePath(root = SITE_DIR) {
  try {
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    const m = html.match(/<link\s+rel="canonical"\s+href="([^"]+)"/);
    if (m) {
      const p = new URL(m[1]).pathname;
      return p.endsWith('/') ? p : p + '/';
    }
  } catch {
    // no home page or no absolute canonical URL: serve at the root
  }
  return '/';
}

/**
 * Serves `root` on 127.0.0.1 (random port unless given) like a plain static host, at the
 * path of the site's base URL (`prefix`, as a project site would be): `/x/` serves
 * `/x/index.html`, `/x` redirects to `/x/` when x is a folder, anything missing gets `404.html`
 * with status 404. Resolves to `{ url, port, close() }`; url is the site's home ("…/").
 */
export function startServer(root = SITE_DIR, { port = 0, prefix = basePath(root) } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (pathname + '/' === prefix) {
      res.writeHead(301, { Location: encodeURI(prefix) }).end();
      return;
    }
    // Outside the prefix nothing exists; inside it, the rest of the path is a file in root.
    const local = pathname.startsWith(prefix) ? pathname.slice(prefix.length - 1) : null;
    let file = local === null ? null : resolve(base, '.' + local);
    if (file && file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (file && isDir(file)) {
      if (!local.endsWith('/')) {
        res.writeHead(301, { Location: encodeURI(pathname) + '/' }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    let status = 200;
    if (!file || !isFile(file)) {
      status = 404;
      file = join(base, '404.html');
      if (!isFile(file)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
    }
    const body = readFileSync(file);
    res.writeHead(status, {
      'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      ok({
        url: `http://127.0.0.1:${p}${encodeURI(prefix)}`,
        port: p,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Every HTML file under `root` as `{ file, path }`, where path is the URL path ("/x/" for x/index.html). */
export function htmlPages(root = SITE_DIR) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.html')) {
        const rel = relative(root, full).split(sep).join('/');
        const path = '/' + (rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
        out.push({ file: full, path });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The prefixes of a site's editions in other languages (`/fr/`): folders with a sitemap of
 * their own. */
export function editionPrefixes(root = SITE_DIR) {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'sitemap.xml')))
    .map((d) => `/${d.name}/`);
}

/** The pages of the default edition: those of {@link htmlPages} outside every other edition's
 * prefix. (The editions in other languages have their own tests, editions.test.mjs.) */
export function defaultEditionPages(root = SITE_DIR) {
  const prefixes = editionPrefixes(root);
  return htmlPages(root).filter((p) => !prefixes.some((e) => p.path.startsWith(e)));
}

/** True when the site folder exists and holds a built home page. */
export function siteIsBuilt(root = SITE_DIR) {
  return existsSync(join(root, 'index.html'));
}

/**
 * A deliberately tiny reader for content/reform.toml: the string value of `key` in each
 * `[[table]]` block (nested tables such as `[[unit.head]]` end the block).
 */
export function tomlBlockValues(table, key, file = DATA_FILE) {
  const values = [];
  let inside = false;
  const keyRe = new RegExp(`^${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'([^']*)')\\s*(?:#.*)?$`);
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const header = line.match(/^\[\[?\s*([^\]]+?)\s*\]\]?/);
    if (header) {
      inside = header[1] === table && line.startsWith('[[');
      continue;
    }
    if (!inside) continue;
    const m = line.match(keyRe);
    if (m) values.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]);
  }
  return values;
}
