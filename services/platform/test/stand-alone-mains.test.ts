// Every service as its own process, configured by the environment alone: the mains
// started as child processes on real components. The embedded database and a file-log bus
// directory each have one owner, so on them the relay runs alone; a second process on the same
// folder is refused with a clear error.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { relayFiles, relayReady, running, startMain, stop, submit } from './main-process.ts';

describe('stand-alone service mains', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-mains-'));
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the relay alone on a file-log bus, Helia and the embedded database; refuses a second owner; stops on SIGTERM', async () => {
    const data = join(dir, 'relay');
    const files = await relayFiles(join(dir, 'relay-files'));
    const relay = startMain('relay', { ANCHORPOST_DATA_DIR: data, ...files.settings });
    const http = (await relay.log(relayReady))['http'] as string;

    assert.equal((await fetch(`${http}/healthz`)).status, 200);
    assert.equal((await fetch(`${http}/readyz`)).status, 200);
    const cid = await submit(http, await files.txFile());
    assert.equal((await fetch(`${http}/v1/receipts/${cid}`)).status, 200);

    // Its embedded database and its bus directory each have one owner: a second process on
    // either is refused at once, with an error that says so (the bus is checked first).
    const [second, third] = await Promise.all([
      startMain('relay', {
        ANCHORPOST_DATA_DIR: data,
        ANCHORPOST_BUS_DIR: join(dir, 'second-bus'),
        ...files.settings,
      }).exited,
      startMain('relay', {
        ANCHORPOST_DATA_DIR: join(dir, 'other'),
        ANCHORPOST_BUS_DIR: join(data, 'bus'),
        ...files.settings,
      }).exited,
    ]);
    assert.equal(second.code, 2, second.stderr);
    assert.match(
      second.stderr,
      /^ERROR BAD_CONFIG ANCHORPOST_DATABASE_URL: .*in use by process .*only one process/m,
    );
    assert.equal(third.code, 1, third.stderr);
    // `npm start` on the same folder takes the same lock: refused too, before anything opens.
    const platform = await startMain('platform', { ANCHORPOST_DATA_DIR: data }).exited;
    assert.equal(platform.code, 2, platform.stderr);
    assert.match(platform.stderr, /^ERROR BAD_CONFIG ANCHORPOST_DATABASE_URL: .*in use by process /m);
    assert.match(third.stderr, /^ERROR LOCKED -: bus directory is locked by running process/m);

    assert.equal(await stop(relay), 0);
    assert.deepEqual((await readdir(data)).sort(), ['bus', 'postgres', 'storage']);
  });

  it('runs the batcher alone on a file-log bus and Helia, no database', async () => {
    const batcher = startMain('batcher', {
      ANCHORPOST_DATA_DIR: join(dir, 'batcher'),
      ANCHORPOST_BATCHER_PORT: '0',
      ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
      ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: 'ab'.repeat(32),
    });
    const url = (await batcher.log((line) => line['msg'] === 'batcher listening'))['url'] as string;
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal(await stop(batcher), 0);
    assert.deepEqual((await readdir(join(dir, 'batcher'))).sort(), ['bus', 'storage']);
  });

  it('refuses a bad setting with exit 2, naming the variable, before opening anything', async () => {
    const data = join(dir, 'bad');
    const files = await relayFiles(join(dir, 'bad-files'));
    const relay = await startMain('relay', {
      ANCHORPOST_DATA_DIR: data,
      ...files.settings,
      ANCHORPOST_RELAY_PARTITIONS: 'many',
    }).exited;
    assert.equal(relay.code, 2);
    assert.match(relay.stderr, /^ERROR BAD_CONFIG ANCHORPOST_RELAY_PARTITIONS: /m);

    // The batcher trusts no relay key unless told which.
    const batcher = await startMain('batcher', { ANCHORPOST_DATA_DIR: data }).exited;
    assert.equal(batcher.code, 2);
    assert.match(batcher.stderr, /^ERROR BAD_CONFIG ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: is required/m);

    const anchorer = await startMain('anchorer', {
      ANCHORPOST_DATA_DIR: data,
      ANCHORPOST_EVM_RPC_URLS: 'http://127.0.0.1:8545',
      ANCHORPOST_EVM_CHAIN_ID: '31337',
      ANCHORPOST_EVM_ANCHOR_CONTRACT: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      ANCHORPOST_EVM_SIGNER_KEY_FILE: join(dir, 'no-such-key'),
    }).exited;
    assert.equal(anchorer.code, 2);
    assert.match(anchorer.stderr, /^ERROR BAD_CONFIG ANCHORPOST_EVM_SIGNER_KEY_FILE: cannot read .*ENOENT/m);

    // The parser's one-off rebuild reads the same settings, with the same checks.
    const rebuild = await startMain(
      'parser',
      { ANCHORPOST_DATA_DIR: data, ANCHORPOST_PARSER_TRUSTED_DEPTH: '0' },
      ['rebuild'],
    ).exited;
    assert.equal(rebuild.code, 2);
    assert.match(rebuild.stderr, /^ERROR BAD_CONFIG ANCHORPOST_PARSER_TRUSTED_DEPTH: /m);
    const unknown = await startMain('parser', { ANCHORPOST_DATA_DIR: data }, ['rebiuld']).exited;
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^usage: anchorpost-parser \[start \| rebuild\]/m);

    // A receipts database URL that is not PostgreSQL's: named, and never echoed (it holds a password).
    const proofApi = await startMain('proof-api', {
      ANCHORPOST_DATA_DIR: data,
      ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL: 'mysql://reader:s3cret-pw@db.example/receipts',
    }).exited;
    assert.equal(proofApi.code, 2);
    assert.match(proofApi.stderr, /^ERROR BAD_CONFIG ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL: /m);
    assert.doesNotMatch(proofApi.stderr, /s3cret-pw/);
    await assert.rejects(readdir(data), { code: 'ENOENT' }, 'nothing was opened or created');
  });
});
