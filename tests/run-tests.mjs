// Runs compiled specs by tier: *.unit.spec.js, *.int.spec.js, *.e2e.spec.js (all tiers when none is named).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tiers = process.argv.slice(2);
const wanted = tiers.length ? tiers : ['unit', 'int', 'e2e'];
const roots = ['domain', 'projections', 'src', 'gpu-agent', 'tests'].map((r) => join('dist', r));

function walk(dir, out) {
  let names;
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (wanted.some((t) => name.endsWith(`.${t}.spec.js`))) out.push(full);
  }
  return out;
}

const files = roots.flatMap((r) => walk(r, [])).sort();
if (files.length === 0) {
  console.error(`no compiled specs found for tiers ${wanted.join(', ')}; run npm run build first`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
const result = spawnSync(process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' });
process.exit(result.status ?? 1);
