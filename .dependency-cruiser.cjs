/**
 * The house's layer rules (ARCHITECTURE.md), checked by `make test` through `npm run lint`.
 * Any violation fails the build (there is no baseline of known ones).
 */
/**
 * The files gpu-agent/ may use from src/: the ports. The store (event-store.port) and its one write path
 * (handle-command: load, decide, append at the expected version, over the store port and domain/ only), the
 * content-addressed artifacts beside the store (artifact-store), and the bus (agent-bus.port and its job messages,
 * agent-job).
 */
const PORTS = '^src/(ledger/(event-store\\.port|handle-command|artifact-store)|bus/(agent-bus\\.port|agent-job))\\.ts$';
/** The composition root: the one file of src/ that imports gpu-agent/ (it wires the agent for `run` and the CLI). */
const COMPOSITION_ROOT = '^src/app/agent-wiring\\.ts$';

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
      name: 'src-reaches-agent-through-composition-root',
      comment: 'src/ touches gpu-agent/ in one place: the composition root (src/app/agent-wiring.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: COMPOSITION_ROOT },
      to: { path: '^gpu-agent/' },
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
