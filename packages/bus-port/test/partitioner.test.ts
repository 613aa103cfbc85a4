import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { murmur2, partitionForKey, toPositive } from '../src/index.ts';

const utf8 = new TextEncoder();

describe('Kafka default partitioner', () => {
  it('matches the Java client’s murmur2 (Kafka UtilsTest.testMurmur2)', () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) assert.equal(murmur2(utf8.encode(key)), hash, key);
  });

  it('matches the values kafkajs generated from the Java client for its DefaultPartitioner', () => {
    const vectors: [string, number][] = [
      ['0', 971027396],
      ['1', -1993445489],
      ['128', -326012175],
      ['2187', -1508407203],
      ['16384', -325739742],
      ['78125', -1654490814],
      ['279936', 1462227128],
      ['823543', -2014198330],
      ['2097152', 607668903],
      ['4782969', -1182699775],
      ['10000000', -1830336757],
      ['19487171', -1603849305],
      ['35831808', -857013643],
      ['62748517', -1167431028],
      ['105413504', -381294639],
      ['170859375', -1658323481],
      ['100:48069', 1009543857],
    ];
    for (const [key, hash] of vectors) assert.equal(murmur2(utf8.encode(key)), hash, key);
  });

  it('matches librdkafka’s Java-compatible vectors (rdmurmur2.c unit test; sign bit masked there)', () => {
    assert.equal(toPositive(murmur2(utf8.encode('kafka'))), 1348980580);
    assert.equal(toPositive(murmur2(utf8.encode('amqp'))), 767747138);
    assert.equal(toPositive(murmur2(utf8.encode('giberish123456789'))), 257239820);
  });

  it('makes hashes positive by masking the sign bit, not with Math.abs', () => {
    assert.equal(toPositive(-973932308), -973932308 & 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(-1), 2147483647);
    assert.equal(toPositive(42), 42);
  });

  it('picks toPositive(murmur2(utf8(key))) % partitions', () => {
    assert.equal(partitionForKey('21', 3), toPositive(-973932308) % 3);
    assert.equal(partitionForKey('foobar', 7), toPositive(-790332482) % 7);
    assert.equal(partitionForKey('abc', 12), 479470107 % 12);
    assert.equal(partitionForKey('ключ', 5), toPositive(murmur2(Buffer.from('ключ', 'utf8'))) % 5);
    for (let partitions = 1; partitions <= 16; partitions++) {
      assert.equal(partitionForKey('100:48069', partitions), 1009543857 % partitions);
    }
  });
});

describe('the bus port', () => {
  it('depends on the protocol alone, so a core can name it without kafkajs', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), ['@anchorpost/protocol']);
  });
});
