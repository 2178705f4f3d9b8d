import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { LedgerError } from '../../domain/shared/ledger-error';
import { AGENT_JOB_PROTOCOL_VERSION, type AgentJob } from './agent-job';
import type { AgentBus, JobConsumer, JobHandler, OpenBusOptions } from './agent-bus.port';

export const JOBS_TOPIC = 'nas-ledger.agent-jobs';
const PARTITIONS = 8;
/** Deliveries of one message before it is committed past (it must not block its partition forever). */
const MAX_DELIVERIES = 3;

/** The message key: a candidate's jobs stay on one partition, as do a cycle's generate and fine-tune jobs. */
export function jobKey(job: AgentJob): string {
  return job.kind === 'evaluate' || job.kind === 'proxy-study' || job.kind === 'review-evaluate' ? job.candidateId : `${job.experimentId}:${job.cycle}`;
}

/** Guards the Kafka way in: a message that is not a job of this protocol is skipped (and logged), never run. */
export function parseJob(value: Buffer | null): AgentJob | null {
  if (!value) return null;
  try {
    const job = JSON.parse(value.toString('utf8')) as Partial<AgentJob>;
    if (job.protocolVersion !== AGENT_JOB_PROTOCOL_VERSION) return null;
    if (job.kind !== 'generate' && job.kind !== 'evaluate' && job.kind !== 'fine-tune' && job.kind !== 'proxy-study' && job.kind !== 'review-evaluate') return null;
    if (job.kind === 'review-evaluate' && (typeof job.candidateId !== 'string' || typeof job.reviewId !== 'string')) return null;
    if (typeof job.jobId !== 'string' || typeof job.experimentId !== 'string' || !Number.isInteger(job.cycle)) return null;
    if (job.kind === 'evaluate' && typeof job.candidateId !== 'string') return null;
    return job as AgentJob;
  } catch {
    return null;
  }
}

/**
 * Jobs on one Kafka topic; agents form one consumer group (any number of machines). Offsets are committed by
 * hand, only after the handler resolved, i.e. after the result is in the ledger: a crash before that makes
 * Kafka redeliver, and the ledger-side claim (gpu-agent/agent/job-claims.ts) keeps a redelivery from running twice.
 */
export class KafkaBus implements AgentBus {
  private readonly consumers = new Set<Consumer>();

  private constructor(private readonly kafka: Kafka, private readonly admin: Admin, private readonly producer: Producer) {}

  static async connect(brokers: readonly string[], options: OpenBusOptions = {}): Promise<KafkaBus> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const kafka = new Kafka({
      clientId: options.clientId ?? 'nas-ledger', brokers: [...brokers], logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(timeoutMs, 3000), retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1000 },
    });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const unavailable = (why: string) => new LedgerError('UNAVAILABLE', `cannot reach Kafka at ${brokers.join(',')}: ${why}`,
      'Start the broker (or check the host and port), or use --bus inproc to run without Kafka.', { brokers });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(unavailable(`no answer within ${timeoutMs} ms`)), timeoutMs); });
    try {
      await Promise.race([(async () => {
        await admin.connect();
        const topics = await admin.listTopics();
        if (!topics.includes(JOBS_TOPIC)) {
          await admin.createTopics({ topics: [{ topic: JOBS_TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
        }
        await producer.connect();
      })(), deadline]);
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      throw error instanceof LedgerError ? error : unavailable(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
    return new KafkaBus(kafka, admin, producer);
  }

  async publish(job: AgentJob): Promise<void> {
    await this.producer.send({ topic: JOBS_TOPIC, messages: [{ key: jobKey(job), value: JSON.stringify(job) }] });
  }

  async consume(group: string, handler: JobHandler, options: { readonly concurrency?: number } = {}): Promise<JobConsumer> {
    const consumer = this.kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 20_000, retry: { retries: 10 } });
    await consumer.connect();
    await consumer.subscribe({ topic: JOBS_TOPIC, fromBeginning: true });
    this.consumers.add(consumer);
    const failures = new Map<string, number>();
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: Math.max(1, options.concurrency ?? 1),
      eachMessage: async (payload) => {
        const { topic, partition, message } = payload;
        const job = parseJob(message.value);
        if (job) {
          const beat = setInterval(() => { payload.heartbeat().catch(() => undefined); }, 1000);
          const at = `${partition}@${message.offset}`;
          try {
            await handler(job);
            failures.delete(at);
          } catch (error) {
            const n = (failures.get(at) ?? 0) + 1;
            failures.set(at, n);
            if (n < MAX_DELIVERIES) {
              // Not committed: back off, then let kafkajs redeliver from this offset.
              await new Promise((r) => setTimeout(r, 250 * n));
              throw error;
            }
            // A job that keeps failing must not block its partition: commit past it. Its failures are in the
            // ledger (JobFailed); the orchestrator re-publishes it or gives the candidate up.
            failures.delete(at);
            process.stderr.write(`kafka bus: giving up ${job.jobId} after ${n} deliveries: ${error instanceof Error ? error.message : String(error)}\n`);
          } finally {
            clearInterval(beat);
          }
        } else {
          process.stderr.write(`kafka bus: skipped a message at ${topic}/${partition}@${message.offset} that is not an agent job\n`);
        }
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
