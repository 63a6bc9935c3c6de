// Serves a built site on 127.0.0.1 like a static host (pretty URLs, 404.html, at the path of
// the site's base URL); prints the home page's URL on the first line, then runs until killed.
// Usage: node tests/browser/static-server.mjs [SITE_DIR] [--port N]
import { resolve } from 'node:path';
import { SITE_DIR, startServer } from './helpers.mjs';

const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const port = portAt >= 0 ? Number(args.splice(portAt, 2)[1]) : 0;
const server = await startServer(resolve(args[0] || SITE_DIR), { port });
console.log(server.url);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
