// The harness's port picker: ports below the range the OS gives outgoing connections, never the
// same one twice, so a service started seconds after its port was chosen still finds it free.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ephemeralLow, freePort, freePortPair } from './cluster/free-port.ts';
import { logTail } from './cluster/service-process.ts';

test('free ports lie below the ephemeral range and are never handed out twice', async () => {
  const low = ephemeralLow();
  const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
  for (const port of ports) assert.ok(port >= 20_000 && port < low, `port ${port} outside [20000, ${low})`);
  assert.equal(new Set(ports).size, ports.length);
  const pair = await freePortPair();
  assert.ok(!ports.includes(pair) && !ports.includes(pair + 1));
});

test('the ephemeral range is read from the kernel file, with a default when it says nothing usable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'free-port-'));
  try {
    const file = join(dir, 'range');
    await writeFile(file, '40000\t60999\n');
    assert.equal(ephemeralLow(file), 40_000);
    await writeFile(file, 'nonsense');
    assert.equal(ephemeralLow(file), 32_768);
    assert.equal(ephemeralLow(join(dir, 'absent')), 32_768);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a service's early exit is reported with the last lines of its log", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'log-tail-'));
  try {
    const file = join(dir, 'parser.log');
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    assert.equal(await logTail(file, 3), 'line 4997\nline 4998\nline 4999');
    assert.match(await logTail(join(dir, 'absent.log')), /^\(log unreadable: /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
