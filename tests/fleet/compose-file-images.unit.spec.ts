import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadCompose } from '../support/compose-services';
import { repoRoot } from '../../src/shared/repo-root';
import { copyProblems, parseDockerfile, runtimePaths } from './compose-file-dockerfile';

const root = repoRoot();
const compose = loadCompose(join(root, 'docker', 'compose.yaml'));
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
/** Every image compose builds: the Dockerfile and the context it is built in. */
const images = Object.entries(compose.services).flatMap(([name, s]) => s.build
  ? [{ name, context: resolve(dirname(compose.path), s.build.context), dockerfile: join(resolve(dirname(compose.path), s.build.context), s.build.dockerfile) }]
  : []);
/** What the CLI needs at start in either image (see the comments in the Dockerfiles for why each is there). */
const RUNS = ['package.json', 'bin', 'configs', 'gpu-agent/runner', 'gpu-agent/seed-corpus', 'src/http/page/browser', 'node_modules', 'dist'];

describe('docker/Dockerfile.* (read, not built: no Docker engine here)', () => {
  it('compose builds both images from the repository root', () => {
    assert.deepEqual(images.map((i) => [i.name, i.dockerfile]).sort(),
      [['agent', join(root, 'docker', 'Dockerfile.agent')], ['ledger', join(root, 'docker', 'Dockerfile.ledger')]]);
    for (const image of images) assert.equal(image.context, root);
  });

  for (const image of images) {
    describe(image.dockerfile.slice(root.length + 1), () => {
      const text = readFileSync(image.dockerfile, 'utf8');

      it('every COPY source exists in the repository and reaches the build context; no stage copies tests; the runtime stage names what it copies', () => {
        assert.deepEqual(copyProblems(text, image.context, dockerignore), []);
      });

      it('is a multi-stage build: the build stage compiles without tests or specs and bundles the dashboard, the runtime stage copies only dist/ from it', () => {
        const { stages } = parseDockerfile(text);
        assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
        const build = stages.slice(0, -1).flatMap((s) => s.runs).join('\n');
        assert.match(build, /npx tsc -p docker\/tsconfig\.image\.json/, 'compiles with the image tsconfig, not tsconfig.json (which includes tests/)');
        assert.match(build, /node scripts\/build-dashboard\.mjs/, 'bundles the dashboard while esbuild (a dev dependency) is there');
        const fromStages = stages.at(-1)!.copies.filter((c) => c.from !== null).flatMap((c) => c.sources);
        assert.ok(fromStages.every((s) => ['/app/dist', '/app/node_modules'].includes(s)), `runtime copies from a stage: ${fromStages.join(', ')}`);
        assert.ok(fromStages.includes('/app/dist'));
      });

      it('the runtime stage carries what the CLI loads at start, the dashboard sources before the bundle', () => {
        const paths = runtimePaths(text);
        const runtimeRuns = parseDockerfile(text).stages.at(-1)!.runs.join('\n');
        const present = new Set([...paths, ...(/npm ci --omit=dev/.test(runtimeRuns) ? ['node_modules'] : [])]);
        assert.deepEqual(RUNS.filter((p) => !present.has(p)), [], `runtime stage has ${[...present].join(', ')}`);
        assert.ok(paths.indexOf('src/http/page/browser') < paths.indexOf('dist'), 'the bundle is copied after its sources, so it is never older');
        assert.ok(!paths.some((p) => p.split('/').includes('tests')));
      });
    });
  }

  it('the image tsconfig compiles the runtime sources only', () => {
    const config = JSON.parse(readFileSync(join(root, 'docker', 'tsconfig.image.json'), 'utf8')) as { include: string[]; exclude: string[] };
    assert.deepEqual(config.include.filter((p) => /tests|bench/.test(p)), []);
    assert.ok(config.exclude.includes('../**/*.spec.ts'));
  });

  it('.dockerignore keeps tests, local builds and the credentials file out of the context', () => {
    const lines = new Set(dockerignore.split('\n').map((l) => l.trim()));
    for (const entry of ['tests', '**/*.spec.ts', 'node_modules', 'dist', 'docker/.env', '.git']) assert.ok(lines.has(entry), `.dockerignore lists ${entry}`);
  });

  it('the check catches what a build would: a runtime stage copying tests or dist/tests, a misspelt source, an ignored source', () => {
    const ledger = readFileSync(join(root, 'docker', 'Dockerfile.ledger'), 'utf8');
    const doctored = ledger.replace('COPY bin ./bin', 'COPY bni ./bin\nCOPY tests ./tests\nCOPY --from=build /app/dist/tests ./dist/tests\nCOPY docs ./docs');
    const problems = copyProblems(doctored, root, dockerignore).join('\n');
    assert.match(problems, /COPY bni: bni does not exist in the repository/);
    assert.match(problems, /COPY tests: copies tests \(tests\) into the runtime image/);
    assert.match(problems, /tests is left out of the build context by \.dockerignore \(tests\)/);
    assert.match(problems, /COPY --from=build \/app\/dist\/tests: copies tests/);
    assert.match(problems, /docs is left out of the build context by \.dockerignore \(docs\)/);
    const whole = copyProblems(ledger.replace('COPY --from=build /app/dist ./dist', 'COPY --from=build /app /app'), root, dockerignore).join('\n');
    assert.match(whole, /the runtime stage copies a whole stage/);
    const noStage = copyProblems(ledger.replace('--from=build /app/dist', '--from=builder /app/dist'), root, dockerignore).join('\n');
    assert.match(noStage, /--from names no earlier stage/);
  });
});
