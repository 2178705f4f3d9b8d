import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCompose, parseEnvFile, planService } from '../support/compose-services';
import { repoRoot } from '../../src/shared/repo-root';

const root = repoRoot();
const composePath = join(root, 'docker', 'compose.yaml');
const example = parseEnvFile(readFileSync(join(root, 'docker', '.env.example'), 'utf8'));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const noCompose = hasCompose ? false : 'docker-compose is not installed (apt-get install docker-compose): the file was not checked by compose';

/** `docker-compose config` in a copy of docker/ whose .env holds `env` (compose reads docker/.env). */
function composeConfig(env: Record<string, string>, ...args: string[]) {
  const dir = join(mkdtempSync(join(tmpdir(), 'nas-ledger-compose-')), 'docker');
  mkdirSync(dir);
  copyFileSync(composePath, join(dir, 'compose.yaml'));
  writeFileSync(join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
  return spawnSync('docker-compose', ['-f', join(dir, 'compose.yaml'), ...args], { encoding: 'utf8' });
}

describe('docker/compose.yaml', () => {
  it('passes `docker-compose config` with docker/.env.example, and with the kurrentdb profile', { skip: noCompose }, () => {
    const plain = composeConfig(example, 'config', '--services');
    assert.equal(plain.status, 0, plain.stderr);
    for (const name of ['agent', 'kafka', 'ledger', 'orchestrator', 'postgres']) assert.ok(plain.stdout.split('\n').includes(name), plain.stdout);
    const kurrent = composeConfig(example, '--profile', 'kurrentdb', 'config', '--services');
    assert.equal(kurrent.status, 0, kurrent.stderr);
    assert.ok(kurrent.stdout.split('\n').includes('kurrentdb'));
  });

  it('a missing environment value stops compose at start-up with the message naming it', { skip: noCompose }, () => {
    const { NAS_LEDGER_STORE: _dropped, ...withoutStore } = example;
    const run = composeConfig(withoutStore, 'config', '-q');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /set NAS_LEDGER_STORE in docker\/\.env/);
  });

  it('has no credentials in the file; every service that holds state has a named volume and a healthcheck', () => {
    const text = readFileSync(composePath, 'utf8');
    assert.doesNotMatch(text, /postgres(ql)?:\/\/[^@\s]*:[^@\s$]*@/, 'no store URL with a password');
    const compose = loadCompose(composePath);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|STORE/.test(key)) assert.match(String(value), /^\$\{[A-Z_]+:\?/, `${name}: ${key} only through \${VAR:?}`);
      }
    }
    for (const name of ['postgres', 'kurrentdb', 'kafka', 'ledger']) assert.ok(compose.services[name]?.healthcheck, `${name} has a healthcheck`);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.')) assert.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
      }
    }
    const kafka = compose.services.kafka!.environment!;
    assert.match(String(kafka.KAFKA_PROCESS_ROLES), /controller/, 'Kafka runs in KRaft mode');
    assert.ok(!Object.keys(kafka).some((k) => k.includes('ZOOKEEPER')), 'no ZooKeeper');
    assert.deepEqual(compose.services.agent!.deploy?.resources?.reservations?.devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    assert.deepEqual(compose.services.kurrentdb!.profiles, ['kurrentdb']);
  });

  it('reading the file the way the process test does fails with the variable named when a value is missing', () => {
    const { EXPERIMENT_CONFIG: _dropped, ...withoutConfig } = example;
    assert.throws(() => planService(loadCompose(composePath), 'orchestrator', {
      projectEnv: withoutConfig, mounts: { '/configs': '/tmp', '/artifacts': '/tmp' }, hosts: {},
    }), /EXPERIMENT_CONFIG is missing: set EXPERIMENT_CONFIG in docker\/.env/);
  });
});
