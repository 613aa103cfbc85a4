/**
 * What the Kafka adapter promises beyond the shared contract: the same partition for a key as
 * FileLogBus, a poison record dead-lettered while its partition keeps flowing, UNAVAILABLE when no
 * broker answers, configuration from the environment, and openBusFromEnv's choice of adapter.
 * Tests that need a broker use ANCHORPOST_TEST_KAFKA_BROKERS (see fixtures/kafka-broker.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@anchorpost/config';
import {
  BusError,
  DeadLetterHeader,
  FileLogBus,
  KafkaBus,
  deadLetterTopic,
  kafkaBusOptionsFromEnv,
  openBusFromEnv,
  openFileLogBus,
  openKafkaBus,
  type Bus,
  type BusRecord,
} from '../src/index.ts';
import { testBrokers, withoutKafka } from './fixtures/kafka-broker.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A port nobody listens on (connections are refused at once). */
const DEAD_BROKER = '127.0.0.1:1';

describe('KafkaBus', () => {
  it('puts every key in the same partition as FileLogBus does', async (t) => {
    if (withoutKafka(t)) return;
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-kafka-partitions-'));
    const fileLog = await openFileLogBus({ dir });
    const kafka = await openKafkaBus({ brokers: testBrokers!.split(',') });
    try {
      const topic = `anchorpost.kafka-${randomBytes(5).toString('hex')}.keyed.v1`;
      const keys = [
        ...Array.from({ length: 200 }, (_, i) => `recipient-${i}`),
        '',
        'ключ',
        '🔑',
        'a'.repeat(1000),
      ];
      const messages = keys.map((key) => ({ key, value: encoder.encode(key) }));
      for (const bus of [fileLog, kafka] as Bus[]) await bus.ensureTopic(topic, { partitions: 7 });
      const onFileLog = await fileLog.publish(topic, messages);
      const onKafka = await kafka.publish(topic, messages);
      assert.deepEqual(
        onKafka.map((record) => record.partition),
        onFileLog.map((record) => record.partition),
      );
      assert.equal(new Set(onKafka.map((record) => record.partition)).size, 7);
      // Kafka stored them where publish said: read each partition back.
      const ends = await kafka.endOffsets(topic);
      assert.deepEqual(ends, await fileLog.endOffsets(topic));
      for (let partition = 0; partition < 7; partition++) {
        const stored = await kafka.read(topic, partition, 0, 1000);
        const expected = keys.filter((_, i) => onFileLog[i]!.partition === partition);
        assert.deepEqual(
          stored.map((record) => record.key),
          expected,
        );
        assert.deepEqual(
          stored.map((record) => decoder.decode(record.value)),
          expected,
        );
      }
    } finally {
      await kafka.close();
      await fileLog.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('dead-letters a poison record while the records behind it keep flowing', async (t) => {
    if (withoutKafka(t)) return;
    const bus = await openKafkaBus({ brokers: testBrokers!.split(',') });
    try {
      const topic = `anchorpost.kafka-${randomBytes(5).toString('hex')}.poison.v1`;
      const groupId = `kafka-test-${randomBytes(6).toString('hex')}`;
      await bus.ensureTopic(topic, { partitions: 1 });
      const values = Array.from({ length: 30 }, (_, i) => (i === 3 ? 'poison' : `good-${i}`));
      await bus.publish(
        topic,
        values.map((value) => ({ key: 'one-partition', value: encoder.encode(value) })),
      );
      const handled: BusRecord[] = [];
      let poisonCalls = 0;
      const subscription = await bus.subscribe({
        groupId,
        topic,
        fromBeginning: true,
        maxBatchRecords: 10,
        retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 },
        handler: (batch) => {
          if (batch.some((record) => decoder.decode(record.value) === 'poison')) {
            poisonCalls += 1;
            return Promise.reject(new Error('cannot parse'));
          }
          handled.push(...batch);
          return Promise.resolve();
        },
      });
      // Published while the poison record is being retried: it must not wait behind it.
      await bus.publish(topic, [{ key: 'one-partition', value: encoder.encode('late') }]);
      const deadline = Date.now() + 20_000;
      while (handled.length < 30 && Date.now() < deadline) await sleep(20);
      assert.deepEqual(
        handled.map((record) => decoder.decode(record.value)),
        [...values.filter((value) => value !== 'poison'), 'late'],
      );
      assert.deepEqual(
        handled.map((record) => record.offset),
        [0, 1, 2, ...Array.from({ length: 27 }, (_, i) => i + 4)],
        'offset order, poison skipped',
      );
      assert.equal(poisonCalls, 1 + 3, 'the batch once, then the record alone maxAttempts times');
      const [letter] = await bus.read(deadLetterTopic(topic), 0, 0, 10);
      assert.equal(letter && decoder.decode(letter.value), 'poison');
      assert.equal(letter?.headers[DeadLetterHeader.OriginalOffset], '3');
      assert.equal(letter.headers[DeadLetterHeader.Attempts], '3');
      while (Date.now() < deadline) {
        const [lag] = await bus.lag(groupId, topic);
        if (lag?.committedOffset === 31) break;
        await sleep(20);
      }
      assert.deepEqual(await bus.lag(groupId, topic), [
        { partition: 0, committedOffset: 31, endOffset: 31, lag: 0 },
      ]);
      await subscription.close();
    } finally {
      await bus.close();
    }
  });

  it('publishes, reads and consumes without a TimeoutNegativeWarning', async (t) => {
    if (withoutKafka(t)) return;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => {
      if (warning.name === 'TimeoutNegativeWarning') warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    const bus = await openKafkaBus({ brokers: testBrokers!.split(',') });
    try {
      const topic = `anchorpost.kafka-${randomBytes(5).toString('hex')}.timers.v1`;
      await bus.ensureTopic(topic, { partitions: 2 });
      // Many small publishes: each one schedules the request queue's check of pending requests.
      for (let i = 0; i < 50; i++) {
        await bus.publish(topic, [{ key: `k${i}`, value: encoder.encode(`v${i}`) }]);
      }
      await bus.endOffsets(topic);
      await bus.read(topic, 0, 0, 100);
      const consumed: BusRecord[] = [];
      const subscription = await bus.subscribe({
        groupId: `kafka-test-${randomBytes(6).toString('hex')}`,
        topic,
        fromBeginning: true,
        handler: (records) => {
          consumed.push(...records);
          return Promise.resolve();
        },
      });
      for (let i = 0; i < 300 && consumed.length < 50; i++) await sleep(100);
      await subscription.close();
      assert.equal(consumed.length, 50);
    } finally {
      await bus.close();
      await new Promise((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it('is UNAVAILABLE (retryable) when no broker answers', async () => {
    const started = Date.now();
    await assert.rejects(
      openKafkaBus({ brokers: [DEAD_BROKER], retries: 0, connectionTimeoutMs: 1000 }),
      (error: unknown) => {
        assert.ok(error instanceof BusError, String(error));
        assert.equal(error.code, 'UNAVAILABLE');
        assert.equal(error.retryable, true);
        assert.match(error.message, /127\.0\.0\.1:1/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 10_000, 'fails fast with retries: 0');
  });
});

describe('Kafka bus configuration', () => {
  it('reads ANCHORPOST_KAFKA_* from the environment', () => {
    assert.deepEqual(kafkaBusOptionsFromEnv({ ANCHORPOST_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092,' }), {
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
    });
    assert.deepEqual(
      kafkaBusOptionsFromEnv({
        ANCHORPOST_KAFKA_BROKERS: '127.0.0.1:19092',
        ANCHORPOST_KAFKA_CLIENT_ID: 'anchorpost-relay',
        ANCHORPOST_KAFKA_CONNECTION_TIMEOUT_MS: '1500',
        ANCHORPOST_KAFKA_REQUEST_TIMEOUT_MS: '10000',
        ANCHORPOST_KAFKA_RETRIES: '0',
        ANCHORPOST_KAFKA_MAX_RECORD_BYTES: '524288',
        ANCHORPOST_KAFKA_REPLICATION_FACTOR: '3',
      }),
      {
        brokers: ['127.0.0.1:19092'],
        clientId: 'anchorpost-relay',
        connectionTimeoutMs: 1500,
        requestTimeoutMs: 10000,
        retries: 0,
        maxRecordBytes: 524288,
        replicationFactor: 3,
      },
    );
  });

  it('refuses bad values, naming the key', () => {
    const refuses = (env: Record<string, string>, key: string): void => {
      assert.throws(
        () => kafkaBusOptionsFromEnv(env),
        (error: unknown) => error instanceof ConfigError && error.key === key && error.message.includes(key),
      );
    };
    refuses({}, 'ANCHORPOST_KAFKA_BROKERS');
    refuses({ ANCHORPOST_KAFKA_BROKERS: ' , ' }, 'ANCHORPOST_KAFKA_BROKERS');
    refuses({ ANCHORPOST_KAFKA_BROKERS: 'kafka-1' }, 'ANCHORPOST_KAFKA_BROKERS');
    refuses({ ANCHORPOST_KAFKA_BROKERS: 'http://kafka:9092' }, 'ANCHORPOST_KAFKA_BROKERS');
    const brokers = { ANCHORPOST_KAFKA_BROKERS: 'kafka:9092' };
    refuses({ ...brokers, ANCHORPOST_KAFKA_RETRIES: '-1' }, 'ANCHORPOST_KAFKA_RETRIES');
    refuses({ ...brokers, ANCHORPOST_KAFKA_REQUEST_TIMEOUT_MS: '0' }, 'ANCHORPOST_KAFKA_REQUEST_TIMEOUT_MS');
    refuses({ ...brokers, ANCHORPOST_KAFKA_MAX_RECORD_BYTES: '1e6' }, 'ANCHORPOST_KAFKA_MAX_RECORD_BYTES');
    refuses({ ...brokers, ANCHORPOST_KAFKA_REPLICATION_FACTOR: '0' }, 'ANCHORPOST_KAFKA_REPLICATION_FACTOR');
  });

  it('openBusFromEnv opens FileLogBus without ANCHORPOST_KAFKA_BROKERS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-open-bus-'));
    try {
      const bus = await openBusFromEnv({ ANCHORPOST_BUS_DIR: dir, ANCHORPOST_KAFKA_BROKERS: ' ' });
      assert.ok(bus instanceof FileLogBus);
      await bus.close();
      await assert.rejects(openBusFromEnv({}), { code: 'BAD_CONFIG', message: /ANCHORPOST_BUS_DIR/ });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('openBusFromEnv opens Kafka when ANCHORPOST_KAFKA_BROKERS is set', async () => {
    // Even with ANCHORPOST_BUS_DIR set, the brokers win: a dead one proves Kafka was tried.
    await assert.rejects(
      openBusFromEnv({
        ANCHORPOST_KAFKA_BROKERS: DEAD_BROKER,
        ANCHORPOST_KAFKA_RETRIES: '0',
        ANCHORPOST_BUS_DIR: '/nonexistent/never-created',
      }),
      { code: 'UNAVAILABLE' },
    );
    if (testBrokers === undefined) return;
    const bus = await openBusFromEnv({ ANCHORPOST_KAFKA_BROKERS: testBrokers });
    assert.ok(bus instanceof KafkaBus);
    await bus.close();
  });
});
