import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, freePort, type PostgresServer } from '../support/postgres-server';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { loadCompose, parseEnvFile, planService, type ProcessPlan } from '../support/compose-services';
import { openEventStore } from '../../src/ledger/open-event-store';
import { repoRoot } from '../../src/shared/repo-root';

const root = repoRoot();
const composePath = join(root, 'docker', 'compose.yaml');

interface Started { readonly child: ChildProcess; readonly exited: Promise<number | null>; output(): string; stdout(): string }

/** Starts a planned service from the repository root (the images' WORKDIR /app holds the repository). */
function start(plan: ProcessPlan, name: string): Started {
  const [cmd, ...args] = plan.argv;
  const child = spawn(cmd!, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...plan.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); stdout += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => `[${name}]\n${out}`, stdout: () => stdout };
}

async function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms); });
  try { return await Promise.race([p, timeout]); } finally { clearTimeout(timer); }
}

/** Runs the service's healthcheck command until it exits 0, as compose's depends_on: service_healthy waits. */
async function healthy(plan: ProcessPlan, env: Record<string, string>, service: Started): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const check = start({ ...plan, argv: plan.healthcheck!, env }, 'healthcheck');
    if (await check.exited === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`the healthcheck never passed:\n${service.output()}`);
}

/**
 * docker/compose.yaml without Docker: the ledger (serve), the orchestrator and the agent service's replicas start
 * as plain processes with the commands, environment and ports read from the file (entrypoints from the
 * Dockerfiles), against the real PostgreSQL and Kafka the other tests use. Only the documented knobs in the env file
 * change (store URL, port, sim experiment, cpu instead of cuda), and container hosts and paths map to local ones.
 */
describe('the fleet in docker/compose.yaml, run as plain processes', () => {
  let pg: PostgresServer;
  let broker: KafkaBroker;
  const running: Started[] = [];
  before(async () => { [pg, broker] = await Promise.all([startPostgres(), startKafkaBroker()]); });
  after(async () => {
    for (const s of running) { if (s.child.exitCode === null) s.child.kill('SIGTERM'); }
    await Promise.all(running.map((s) => within(s.exited, 20_000, () => s.output()).catch(() => s.child.kill('SIGKILL'))));
    await broker?.stop();
    await pg?.stop();
  });

  it('one orchestrator and two `nas-ledger agent` processes complete the experiment over Kafka; events verify ok', async () => {
    const compose = loadCompose(composePath);
    const store = await pg.createDatabase('fleet');
    const port = await freePort();
    const projectEnv = {
      ...parseEnvFile(readFileSync(join(root, 'docker', '.env.example'), 'utf8')),
      NAS_LEDGER_STORE: store, LEDGER_PORT: String(port), EXPERIMENT_CONFIG: '/configs/fleet-sim.yaml', EXPERIMENT_ID: 'fleet-e2e',
      AGENT_DEVICE: 'cpu', AGENT_WORKERS: '1', AGENT_TIMEOUT_S: '120',
    };
    const artifacts = mkdtempSync(join(tmpdir(), 'nas-ledger-fleet-artifacts-'));
    const options = {
      projectEnv,
      mounts: { '/configs': join(root, 'configs'), '/artifacts': artifacts, '/data': mkdtempSync(join(tmpdir(), 'nas-ledger-fleet-data-')) },
      hosts: { 'kafka:9092': broker.url.slice('kafka://'.length) },
    };
    const ledgerPlan = planService(compose, 'ledger', options);
    const agentPlan = planService(compose, 'agent', options);
    const orchestratorPlan = planService(compose, 'orchestrator', options);
    assert.deepEqual(ledgerPlan.ports, [{ host: port, container: port }], 'the ledger publishes LEDGER_PORT');
    assert.equal(agentPlan.argv[2], 'agent', 'the agents are `nas-ledger agent`');
    assert.equal(agentPlan.replicas, 2, 'compose starts two agents');
    assert.ok(orchestratorPlan.argv.includes('--agents') && orchestratorPlan.argv.includes('0'), 'the orchestrator runs no agents itself');

    const ledger = start(ledgerPlan, 'ledger');
    running.push(ledger);
    await healthy(ledgerPlan, ledgerPlan.env, ledger);
    const agents = Array.from({ length: agentPlan.replicas }, (_, i) => start(agentPlan, `agent ${i + 1}`));
    running.push(...agents);
    const orchestrator = start(orchestratorPlan, 'orchestrator');
    running.push(orchestrator);
    const code = await within(orchestrator.exited, 240_000, () => [orchestrator, ...agents].map((s) => s.output()).join('\n'));
    assert.equal(code, 0, orchestrator.output());
    const summary = JSON.parse(orchestrator.stdout()) as { completed: boolean; generated: number } | null;
    assert.equal(summary?.completed, true, orchestrator.output());
    assert.equal(summary.generated, 2 * 6, 'two cycles of six candidates');

    // Every job was claimed by one of the two agent processes (their ids are in their start-up lines).
    const agentIds = agents.map((a) => /nas-ledger agent (\S+):/.exec(a.output())?.[1]);
    assert.ok(agentIds.every((x) => x !== undefined), agents.map((a) => a.output()).join('\n'));
    const events = await openEventStore(store).then(async (s) => { try { return await s.readAll(); } finally { await s.close(); } });
    const claims = events.filter((e) => e.type === 'JobClaimed').map((e) => (e.data as { agentId: string }).agentId);
    assert.ok(claims.length >= 12, `jobs were claimed (${claims.length})`);
    for (const id of claims) assert.ok(agentIds.includes(id), `claim by ${id}, not one of the agents ${agentIds.join(', ')}`);

    // The ledger service answers for the experiment, and `events verify` (the ledger image's CLI) says ok.
    const listed = await (await fetch(`http://127.0.0.1:${port}/api/experiments`)).json() as { experiments: { experimentId: string; status: string }[] };
    assert.equal(listed.experiments.find((e) => e.experimentId === 'fleet-e2e')?.status, 'completed', JSON.stringify(listed));
    const verify = start({ ...ledgerPlan, argv: [...ledgerPlan.argv.slice(0, 2), 'events', 'verify', '--json'] }, 'verify');
    assert.equal(await within(verify.exited, 60_000, () => verify.output()), 0, verify.output());
    assert.match(verify.stdout(), /"ok":\s*true/);
  });
});
