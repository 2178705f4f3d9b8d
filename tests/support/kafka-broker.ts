import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';

/**
 * A real single-node Apache Kafka broker in KRaft mode for tests: jars from Maven Central (scripts/setup-kafka.sh,
 * cached in .cache/kafka/libs), Java 17, free local ports, its own temporary log directory. stop() kills it and
 * removes the directory.
 */
export interface KafkaBroker {
  readonly url: string;        // kafka://127.0.0.1:<port>
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kafka exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`kafka did not listen on ${port} within ${timeoutMs} ms`);
}

export function kafkaLibs(): string {
  const root = repoRoot();
  const libs = join(root, '.cache', 'kafka', 'libs');
  if (!existsSync(libs)) {
    const setup = spawnSync(join(root, 'scripts', 'setup-kafka.sh'), { stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('scripts/setup-kafka.sh failed: the Kafka jars are needed for this test');
  }
  return libs;
}

export async function startKafkaBroker(): Promise<KafkaBroker> {
  const libs = kafkaLibs();
  const classpath = `${libs}/*`;
  const dir = mkdtempSync(join(tmpdir(), 'nas-kafka-'));
  const port = await freePort();
  const controllerPort = await freePort();
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, [
    'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`, 'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT', 'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(dir, 'logs')}`, 'num.partitions=1', 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true', 'log.segment.bytes=10485760',
  ].join('\n') + '\n');
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(log4j, 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[kafka] %p %m%n\n');
  const jvm = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath];
  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', 'nas-ledger-test-cluster-01', '-c', properties], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr || format.stdout}`);
  const child = spawn('java', [...jvm, 'kafka.Kafka', properties], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  try {
    await waitForPort(port, 60_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    url: `kafka://127.0.0.1:${port}`, port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
