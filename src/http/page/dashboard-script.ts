import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../shared/repo-root';

/** Where the browser script lives: a plain JS file, type-checked against the DOM by its own tsconfig (npm run lint). */
export const DASHBOARD_SCRIPT_PATH = join(repoRoot(), 'src', 'http', 'page', 'browser', 'dashboard.js');

/**
 * The dashboard's browser script, inlined into the page (the machine that serves it may have no internet) and pinned
 * by its hash in the CSP. Read once, when the page module loads.
 */
export const DASHBOARD_SCRIPT = readFileSync(DASHBOARD_SCRIPT_PATH, 'utf8');
