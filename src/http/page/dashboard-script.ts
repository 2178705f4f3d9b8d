import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { repoRoot } from '../../shared/repo-root';

/** The dashboard's browser sources: plain JS modules, type-checked against the DOM by their own tsconfig (npm run lint). */
export const DASHBOARD_SOURCE_DIR = join(repoRoot(), 'src', 'http', 'page', 'browser');
/** Where scripts/build-dashboard.mjs writes the bundle (git-ignored: produced by every build, never committed). */
export const DASHBOARD_BUNDLE_DIR = join(repoRoot(), 'dist', 'dashboard');
export const DASHBOARD_SCRIPT_PATH = join(DASHBOARD_BUNDLE_DIR, 'dashboard.js');
const VENDOR_STYLE_PATH = join(DASHBOARD_BUNDLE_DIR, 'vendor.css');

const newestSource = (): number => Math.max(...readdirSync(DASHBOARD_SOURCE_DIR).map((name) => statSync(join(DASHBOARD_SOURCE_DIR, name)).mtimeMs));

/**
 * `npx tsc` alone does not bundle: when the bundle is missing or older than a browser source, build it here (esbuild
 * takes well under a second) rather than serve a page without its script or with a stale one.
 */
function ensureBundle(): void {
  const fresh = [DASHBOARD_SCRIPT_PATH, VENDOR_STYLE_PATH].every((path) => existsSync(path) && statSync(path).mtimeMs >= newestSource());
  if (fresh) return;
  try {
    execFileSync(process.execPath, [join(repoRoot(), 'scripts', 'build-dashboard.mjs')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new LedgerError('UNAVAILABLE', `the dashboard bundle is missing and could not be built: ${stderr.trim() || (error as Error).message}`,
      'Run `npm ci` (esbuild and the chart libraries are dev dependencies), then `npm run build`.');
  }
}

ensureBundle();

/**
 * The dashboard's script (our modules and the libraries, bundled at build time), inlined into the page (the machine
 * that serves it may have no internet) and pinned by its hash in the CSP. Read once, when the page module loads.
 */
export const DASHBOARD_SCRIPT = readFileSync(DASHBOARD_SCRIPT_PATH, 'utf8');
/** The libraries' stylesheets (diff2html, highlight.js), inlined with ours. */
export const VENDOR_STYLE = readFileSync(VENDOR_STYLE_PATH, 'utf8');
