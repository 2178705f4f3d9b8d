/**
 * The custom facets' `_schemaURL` pointed at a GitHub URL for docs/openlineage/nas-ledger-facets.json that is not
 * published, with no way to point it elsewhere. Now the default stays (OpenLineage wants a URL; docs/exports.md says the
 * file ships in the repository) and NAS_LEDGER_OPENLINEAGE_SCHEMA_URL replaces it in every custom facet; a value that is
 * not an http(s) URL is refused (exit 2) before anything is written. The JSON keys do not change.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';
import { NAS_LEDGER_FACETS_SCHEMA } from '../../src/exports/openlineage';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { runCli } from '../support/cli-child';

const A = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 57 });
const PUBLISHED = 'https://example.org/schemas/nas-ledger-facets.json';
let dir: string;
const exportWith = (url: string) => runCli(['export', 'openlineage', A.experimentId],
  { NAS_LEDGER_STORE: dir, NAS_LEDGER_OPENLINEAGE_SCHEMA_URL: url });

type Facets = Record<string, { _schemaURL?: string } & Record<string, unknown>>;
interface Line { run: { facets: Facets }; inputs: { facets: Facets }[]; outputs: { facets: Facets }[] }

/** Every custom (nasLedger_*) facet of every event, with its key. */
function customFacets(jsonl: string): [string, { _schemaURL?: string } & Record<string, unknown>][] {
  return jsonl.trim().split('\n').map((l) => JSON.parse(l) as Line)
    .flatMap((e) => [e.run.facets, ...e.inputs.map((d) => d.facets), ...e.outputs.map((d) => d.facets)])
    .flatMap((facets) => Object.entries(facets).filter(([key]) => key.startsWith('nasLedger_')));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-ol-schema-'));
  await seedStore(dir, [A]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('export openlineage: the custom facets\' _schemaURL', () => {
  it('defaults to the repository path of the schema that ships in docs/openlineage, whose $defs name each facet', async () => {
    const run = await exportWith('');
    assert.equal(run.code, 0, run.stderr);
    const facets = customFacets(run.stdout);
    assert.ok(facets.length > 0);
    const schema = JSON.parse(readFileSync(join(repoRoot(), 'docs', 'openlineage', 'nas-ledger-facets.json'), 'utf8')) as { $id: string; $defs: object };
    assert.equal(schema.$id, NAS_LEDGER_FACETS_SCHEMA, 'the schema file names the URL the facets use');
    for (const [key, facet] of facets) {
      const [base, fragment] = facet._schemaURL!.split('#');
      assert.equal(base, NAS_LEDGER_FACETS_SCHEMA, key);
      assert.ok(fragment!.replace('/$defs/', '') in schema.$defs, `${key}: ${fragment} is not a $defs entry of the shipped schema`);
    }
  });

  it('is NAS_LEDGER_OPENLINEAGE_SCHEMA_URL when set, with the same facet keys and fields', async () => {
    const byDefault = customFacets((await exportWith('')).stdout);
    const run = await exportWith(PUBLISHED);
    assert.equal(run.code, 0, run.stderr);
    const moved = customFacets(run.stdout);
    assert.equal(moved.length, byDefault.length);
    for (const [i, [key, facet]] of moved.entries()) {
      const [defaultKey, defaultFacet] = byDefault[i]!;
      assert.equal(key, defaultKey);
      assert.equal(facet._schemaURL, defaultFacet._schemaURL!.replace(NAS_LEDGER_FACETS_SCHEMA, PUBLISHED));
      assert.deepEqual(Object.keys(facet), Object.keys(defaultFacet));
    }
  });

  it('refuses a value that is not an http(s) URL without a fragment (exit 2), writing nothing on stdout', async () => {
    for (const bad of ['not a url', 'ftp://example.org/s.json', `${PUBLISHED}#/$defs/X`]) {
      const run = await exportWith(bad);
      assert.equal(run.code, 2, `${bad}: ${run.stderr}`);
      assert.match(run.stderr, /NAS_LEDGER_OPENLINEAGE_SCHEMA_URL must be an http\(s\) URL without a #fragment/);
      assert.equal(run.stdout, '');
    }
  });
});
