/**
 * The house's layer rules (ARCHITECTURE.md), checked by `make test` through `npm run lint`.
 * Known violations that the redesign (issue #13) still has to remove are listed in
 * .dependency-cruiser-known-violations.json; anything new fails the build.
 */
/** The files gpu-agent/ may use from src/: the ports (store, bus) and the error type. */
const PORTS = '^src/(ledger/event-store\\.port|bus/agent-bus\\.port)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself except node:crypto.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { pathNot: ['^domain/', '^crypto$'] },
    },
    {
      name: 'projections-read-domain-only',
      comment: 'projections/ imports domain/ and itself only (pure folds, no I/O).',
      severity: 'error',
      from: { path: '^projections/' },
      to: { pathNot: ['^projections/', '^domain/'] },
    },
    {
      name: 'gpu-agent-through-ports',
      comment: 'gpu-agent/ reaches the rest only through domain/, the port files and the pure folds of projections/.',
      severity: 'error',
      from: { path: '^gpu-agent/' },
      to: { path: '^src/', pathNot: PORTS },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No cycles between folders.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.cache)/|\\.spec\\.ts$|^tests/|^bench/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
