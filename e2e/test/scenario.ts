// The end-to-end scenario, run on any system that serves the platform's endpoints: the one-process
// platform of `npm start` (platform.e2e.test.ts) and every service in its own process on real
// servers (cluster.e2e.test.ts). 1,000 tx-files from 3 client apps (2 tenants) to 2 groups over
// HTTP, 4 subscribers over SSE, a SIGKILL mid-stream and a restart, bad input over HTTP and gRPC,
// then every file's proof fetched from the proof API and checked with `anchorpost verify` against
// the chain, every receipted file anchored exactly once, and the index rebuilt from chain and
// storage alone, row for row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { EvmChainReader } from '@anchorpost/chains';
import type { TxFileProof } from '@anchorpost/proofs';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  parseTxFile,
  serializeTxFile,
  toPublicKeyFile,
  type GroupKeys,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { malformedTxFiles } from '@anchorpost/protocol/testing';
import { loadRelayProto, RELAY_SERVICE_NAME } from '@anchorpost/relay-service';
import { Subscriber, submitUntilAccepted, waitUntil, type Receipt } from './clients.ts';
import { REPO } from './platform-process.ts';

const run = promisify(execFile);
const CLI = join(REPO, 'packages/cli/bin/anchorpost.js');
const CONCURRENCY = 6;

/** The rows of the index that a rebuild must restore exactly. */
export type IndexRows = Record<'batches' | 'batchEntries' | 'txFiles' | 'anchors', unknown[]>;

/** A running platform, however it is deployed. URLs are read anew: they may change on a restart. */
export interface SystemUnderTest {
  /** The relay the i-th file is submitted to. */
  submitUrl(i: number): string;
  /** The relay the k-th subscriber listens on. */
  subscribeUrl(k: number): string;
  grpcAddress(): string;
  proofApiUrl(): string;
  evmRpc(): string;
  contractAddress(): string;
  /** SIGKILL, with requests in flight, and start again on the same state. */
  crash(): Promise<void>;
  /** Stops everything that writes the index, asserting a clean exit (0) on SIGTERM. */
  stopCleanly(): Promise<void>;
  dumpIndex(): Promise<IndexRows>;
  /** Empties the index and restores it from the chain and storage alone, as an operator does. */
  rebuildIndex(): Promise<void>;
  /** Stops whatever still runs; nothing may outlive the test. */
  close(): Promise<void>;
}

export interface ScenarioOptions {
  /** Starts the system in `dir` with this tenants file content. */
  start(dir: string, tenants: unknown): Promise<SystemUnderTest>;
  /** Tx-files sent (default 1,000; ANCHORPOST_E2E_FILES). */
  files?: number;
  /** Keep the working folder (ANCHORPOST_E2E_KEEP). */
  keep?: boolean;
}

interface Client {
  tenant: string;
  app: PrivateIdentity;
}

export function describeEndToEnd(title: string, options: ScenarioOptions): void {
  const FILES = options.files ?? Number(process.env.ANCHORPOST_E2E_FILES ?? 1000);
  const KILL_AFTER = Math.floor(FILES * 0.4);

  describe(`${title} (${FILES} tx-files)`, { timeout: 20 * 60_000 }, () => {
    let dir: string;
    let system: SystemUnderTest | undefined;
    const clients: Client[] = [];
    const groups: { name: string; keys: GroupKeys; hash: string; members: string[] }[] = [];
    const files: { bytes: Uint8Array; client: Client; group: number }[] = [];
    const receipts = new Map<string, Receipt>();
    const subscribers: Subscriber[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-e2e-'));
      const [alice, bob, carol, dave, erin, ...apps] = await Promise.all(
        Array.from({ length: 8 }, () => generateIdentity('modern')),
      );
      clients.push(
        { tenant: 'acme', app: apps[0]! },
        { tenant: 'acme', app: apps[1]! },
        { tenant: 'globex', app: apps[2]! },
      );
      const tenants = {
        tenants: [
          { id: 'acme', clientKeys: [toPublicKeyFile(apps[0]!.public), toPublicKeyFile(apps[1]!.public)] },
          { id: 'globex', clientKeys: [toPublicKeyFile(apps[2]!.public)] },
        ],
      };
      for (const [name, members] of [
        ['bob+carol', [bob!, carol!]],
        ['dave+erin', [dave!, erin!]],
      ] as const) {
        const { keys } = await createGroup('modern', [alice!.public, ...members.map((m) => m.public)]);
        groups.push({ name, keys, hash: '', members: name.split('+') });
      }
      const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
      for (let i = 0; i < FILES; i += 1) {
        const client = clients[i % clients.length]!;
        const group = i % groups.length;
        const bytes = serializeTxFile(
          buildTxFile({
            group: groups[group]!.keys,
            senders: [alice!],
            client: client.app,
            blockchain: { lastblock: block(2_000_000 + i, 'a'), trustedblock: block(1_999_990 + i, 'b') },
            message: { data: new TextEncoder().encode(`message ${i} to ${groups[group]!.name}`) },
          }),
        );
        files.push({ bytes, client, group });
        groups[group]!.hash = parseTxFile(bytes).recipient.sha512hash;
      }
      system = await options.start(dir, tenants);
    });

    after(async () => {
      for (const subscriber of subscribers) subscriber.stop();
      await system?.close();
      const keep = options.keep ?? process.env.ANCHORPOST_E2E_KEEP !== undefined;
      if (keep) process.stdout.write(`e2e: kept ${dir}\n`);
      else await rm(dir, { recursive: true, force: true });
    });

    it('delivers every file to every subscriber exactly once across a SIGKILL and a restart', async () => {
      for (const group of groups) {
        for (const member of group.members) {
          const k = subscribers.length;
          subscribers.push(new Subscriber(member, group.hash, () => system!.subscribeUrl(k)));
        }
      }
      await Promise.all(subscribers.map((s) => s.ready()));

      const deadline = Date.now() + 8 * 60_000;
      let next = 0;
      let killed = false;
      let restarting: Promise<void> | undefined;
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++]!;
          const i = next - 1;
          const receipt = await submitUntilAccepted(
            () => system!.submitUrl(i),
            file.client.tenant,
            file.bytes,
            deadline,
          );
          receipts.set(receipt.cid, receipt);
          if (!killed && receipts.size >= KILL_AFTER) {
            killed = true;
            // Mid-stream: other workers have requests in flight right now.
            restarting = system!.crash();
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await restarting;
      assert.equal(receipts.size, FILES, 'every file got a receipt');

      const perGroup = FILES / groups.length;
      await waitUntil(
        'every delivery',
        () => subscribers.every((s) => new Set(s.deliveries.map((d) => d.cid)).size >= perGroup),
        3 * 60_000,
      );
      for (const subscriber of subscribers) {
        const cids = subscriber.deliveries.map((d) => d.cid);
        assert.equal(new Set(cids).size, cids.length, `${subscriber.name} got a file twice`);
        assert.equal(cids.length, perGroup, `${subscriber.name} got ${cids.length} files`);
        const expected = [...receipts.values()].filter((r) => r.recipientHash === subscriber.recipientHash);
        assert.deepEqual(
          new Set(cids),
          new Set(expected.map((r) => r.cid)),
          `${subscriber.name} got other files`,
        );
        assert.ok(subscriber.reconnects.length >= 1, `${subscriber.name} reconnected after the kill`);
      }
    });

    it('refuses each malformed class over HTTP and gRPC with its stable code; unknown CIDs are 404', async () => {
      const valid = files[0]!.bytes;
      const submit = (
        loadRelayProto()[RELAY_SERVICE_NAME] as Record<string, grpc.MethodDefinition<object, object>>
      ).SubmitTxFile!;
      const client = new grpc.Client(system!.grpcAddress(), grpc.credentials.createInsecure());
      const grpcCode = (bytes: Uint8Array) =>
        new Promise<{ status: number | undefined; code: string | undefined }>((resolve) => {
          client.makeUnaryRequest(
            submit.path,
            submit.requestSerialize,
            submit.responseDeserialize,
            { tenantId: 'acme', txFile: bytes },
            (error: grpc.ServiceError | null) => {
              resolve({
                status: error?.code,
                code: error?.metadata.get('anchorpost-error-code')[0]?.toString(),
              });
            },
          );
        });
      try {
        for (const c of malformedTxFiles(valid)) {
          const response = await fetch(`${system!.submitUrl(0)}/v1/tx-files`, {
            method: 'POST',
            headers: { 'content-type': 'application/yaml', 'anchorpost-tenant': 'acme' },
            body: c.bytes,
          });
          assert.equal(response.status, 400, c.name);
          assert.equal(((await response.json()) as { error: { code: string } }).error.code, c.code, c.name);

          assert.deepEqual(
            await grpcCode(c.bytes),
            { status: grpc.status.INVALID_ARGUMENT, code: c.code },
            c.name,
          );
        }
        const oversized = await fetch(`${system!.submitUrl(0)}/v1/tx-files`, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml', 'anchorpost-tenant': 'acme' },
          body: new Uint8Array(2 * 1024 * 1024),
        });
        assert.equal(oversized.status, 413);
        const unknown = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
        assert.equal((await fetch(`${system!.submitUrl(0)}/v1/tx-files/${unknown}`)).status, 404);
        assert.equal((await fetch(`${system!.proofApiUrl()}/v1/proofs/${unknown}`)).status, 404);
      } finally {
        client.close();
      }
    });

    it('proves every file: fetched from the proof API, checked with `anchorpost verify` against the chain', async () => {
      const api = system!.proofApiUrl();
      const proofDir = join(dir, 'proofs');
      await mkdir(proofDir, { recursive: true });
      const pending = new Set(receipts.keys());
      const proofs = new Map<string, TxFileProof>();
      await waitUntil(
        'a proof for every file',
        async () => {
          const round = [...pending];
          for (let i = 0; i < round.length; i += 16) {
            await Promise.all(
              round.slice(i, i + 16).map(async (cid) => {
                const response = await fetch(`${api}/v1/proofs/${cid}`);
                if (response.status === 202) return;
                assert.equal(response.status, 200, `proof of ${cid}`);
                proofs.set(cid, (await response.json()) as TxFileProof);
                pending.delete(cid);
              }),
            );
          }
          return pending.size === 0;
        },
        5 * 60_000,
      );
      const paths: string[] = [];
      for (const [cid, proof] of proofs) {
        assert.equal(proof.txFile, cid);
        const path = join(proofDir, `${cid}.json`);
        await writeFile(path, JSON.stringify(proof));
        paths.push(path);
      }
      // The verifier needs nothing of ours: the proof files and the chain's JSON-RPC.
      for (let i = 0; i < paths.length; i += 200) {
        const { stdout } = await run(
          process.execPath,
          [CLI, 'verify', ...paths.slice(i, i + 200), '--evm-rpc', system!.evmRpc()],
          { maxBuffer: 64 * 1024 * 1024 },
        );
        assert.equal(stdout.match(/^verified tx-file /gm)?.length, Math.min(200, paths.length - i));
      }
      // And a tampered proof is refused with exit 1: one file's proof claiming another file.
      const [[, first], [otherCid]] = [...proofs.entries()] as [[string, TxFileProof], [string, TxFileProof]];
      await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...first, txFile: otherCid }));
      await assert.rejects(
        run(process.execPath, [CLI, 'verify', join(dir, 'tampered.json'), '--evm-rpc', system!.evmRpc()]),
        (error: { code?: number }) => error.code === 1,
      );
    });

    it('anchors every receipted file exactly once', async () => {
      const reader = new EvmChainReader({
        rpcUrls: [system!.evmRpc()],
        chainId: 31_337,
        contractAddress: system!.contractAddress(),
        deployBlock: 0,
      });
      const head = await reader.head();
      const anchors = [];
      for await (const page of reader.readAnchors(0, head.number)) anchors.push(...page.anchors);
      assert.ok(anchors.length > 0);
      assert.equal(new Set(anchors.map((a) => a.sequence)).size, anchors.length, 'one anchor per sequence');
      assert.equal(new Set(anchors.map((a) => a.batchCid)).size, anchors.length, 'one anchor per batch');
      let sealed = 0;
      for (const anchor of anchors) {
        const response = await fetch(`${system!.proofApiUrl()}/v1/batches/${anchor.batchCid}`);
        assert.equal(response.status, 200);
        sealed += ((await response.json()) as { size: number }).size;
      }
      // Every one of the FILES files is in an anchored batch (its proof says so) and the anchored
      // batches hold FILES entries in all: so none is in two.
      assert.equal(sealed, FILES);
    });

    it('rebuilds the index from chain and storage alone, row for row', async () => {
      for (const subscriber of subscribers) subscriber.stop();
      await system!.stopCleanly();
      const before = await system!.dumpIndex();
      assert.equal(before.txFiles.length, FILES);
      await system!.rebuildIndex();
      assert.deepEqual(await system!.dumpIndex(), before);
    });
  });
}
