#!/usr/bin/env node
// Bundles the dashboard's browser code and the libraries it uses (Observable Plot, cytoscape, highlight.js,
// diff2html) from node_modules into dist/dashboard/: one script and one stylesheet that the page inlines, so the
// served page loads nothing from anywhere (no CDN, no internet). Run by `npm run build` and `make build`;
// src/http/page/dashboard-bundle.ts also runs it when the bundle is missing or older than its sources.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'http', 'page', 'browser');
const out = join(root, 'dist', 'dashboard');
mkdirSync(out, { recursive: true });

const common = {
  bundle: true, minify: true, logLevel: 'warning', target: ['chrome110', 'firefox110', 'safari16'],
  // Licence texts go beside the bundle, not into the page.
  legalComments: 'external',
};
await Promise.all([
  build({ ...common, entryPoints: [join(source, 'dashboard.js')], outfile: join(out, 'dashboard.js'), format: 'iife', platform: 'browser' }),
  build({ ...common, entryPoints: [join(source, 'vendor.css')], outfile: join(out, 'vendor.css') }),
]);
