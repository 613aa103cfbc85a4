// The end-to-end scenario, run on any system that serves the platform's endpoints: the one-process
// platform of `npm start` (platform.e2e.test.ts) and every service in its own process on real
// servers (cluster.e2e.test.ts). 1,000 tx-files from 3 client apps (2 tenants) to 2 groups over
// HTTP, 4 subscribers over SSE, a SIGKILL mid-stream and a restart, bad input over HTTP and gRPC,
// then every file's proof fetched from the proof API and checked with `anchorpost verify` against
// the chain, every receipted file anchored exactly once, and the index rebuilt from chain and
// storage alone, row for row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ErgoChainReader, EvmChainReader } from '@anchorpost/chains';
import { parseTrustRoots, type TxFileProof } from '@anchorpost/proofs';
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
import { malformedTxFiles, StateChains } from '@anchorpost/protocol/testing';
import { loadRelayProto, RELAY_SERVICE_NAME } from '@anchorpost/relay-service';
import { Subscriber, submitUntilAccepted, waitUntil, type Receipt } from './clients.ts';
import { REPO } from './platform-process.ts';
import { publishedTrustRoots } from './trust-roots.ts';

const run = promisify(execFile);
const CLI = join(REPO, 'packages/cli/bin/anchorpost.js');
const CONCURRENCY = 6;

/**
 * The Ergo heights the tx-files name as `trustedblock`: an Ergo-enabled system's chain must have
 * these blocks (the Ergo test double starts its chain at `from`), and the files name their real
 * ids, read from its node, so that a verifier finds them there ("sent after" is checked).
 */
export const TRUSTED_BLOCK_HEIGHTS = { from: 1_999_990, count: 10 } as const;
const trustedHeight = (i: number) => TRUSTED_BLOCK_HEIGHTS.from + (i % TRUSTED_BLOCK_HEIGHTS.count);

/**
 * The ids of the trusted heights on the system's Ergo chain (`GET /blocks/at/{height}`, once they
 * are mined), or undefined without Ergo.
 */
async function trustedBlockIds(system: SystemUnderTest): Promise<Map<number, string> | undefined> {
  if (system.ergo === undefined) return undefined;
  const ids = new Map<number, string>();
  for (let i = 0; i < TRUSTED_BLOCK_HEIGHTS.count; i += 1) {
    const height = TRUSTED_BLOCK_HEIGHTS.from + i;
    await waitUntil(
      `Ergo block ${height}`,
      async () => {
        const found = (await (
          await fetch(`${system.ergo!.nodeUrl()}/blocks/at/${height}`)
        ).json()) as string[];
        if (found[0] !== undefined) ids.set(height, found[0]);
        return found[0] !== undefined;
      },
      60_000,
    );
  }
  return ids;
}

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
  /** The auditor's trust file: the platform's trust roots (its trust.json, or GET /v1/trust-roots saved). */
  trustFile(): Promise<string>;
  /** When the system anchors on Ergo too (the Ergo node test double). */
  readonly ergo?: {
    nodeUrl(): string;
    tokenId(): string;
    /** ANCHORPOST_ERGO_START_HEIGHT: the marker's first block. */
    startHeight(): number;
    /** Rolls the Ergo chain back `blocks` blocks, dropping their transactions. */
    rollback(blocks: number): Promise<void>;
    /** The relays check the blocks each tx-file names on this chain (ANCHORPOST_RELAY_ERGO_NODE_URL). */
    readonly relayChecksBlocks: boolean;
  };
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
    /** A new tx-file from the first client to the first group (for checks after the load). */
    let buildFreshFile: () => Uint8Array = () => new Uint8Array();
    /** Files sent after the load, by such checks. */
    let extraFiles = 0;
    /** With Ergo on: a registered app's file naming a made-up trustedblock id (for the relays' check). */
    let madeUpBlockFile: Uint8Array | undefined;

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
      system = await options.start(dir, tenants);
      const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
      const trustedIds = await trustedBlockIds(system);
      /** The i-th file's trustedblock: a real block of the Ergo chain when there is one. */
      const trusted = (i: number, fill: string) => {
        const height = trustedHeight(i);
        return { height, signature: trustedIds?.get(height) ?? fill.repeat(64) };
      };
      /** The lastblock: with Ergo, its newest trusted height (real, at or below any tip since). */
      const newest = TRUSTED_BLOCK_HEIGHTS.from + TRUSTED_BLOCK_HEIGHTS.count - 1;
      const last = (height: number, fill: string) =>
        trustedIds === undefined
          ? block(height, fill)
          : { height: newest, signature: trustedIds.get(newest)! };
      if (trustedIds !== undefined) {
        madeUpBlockFile = serializeTxFile(
          buildTxFile({
            group: (await createGroup('modern', [alice!.public])).keys,
            senders: [alice!],
            client: clients[0]!.app,
            blockchain: {
              lastblock: last(0, 'e'),
              trustedblock: { height: newest - 1, signature: 'e'.repeat(64) },
            },
            message: { data: new TextEncoder().encode('names a block the chain does not have') },
          }),
        );
      }
      // Each app's files to a group follow its state chain: a relay refuses two at one position.
      const chains = new StateChains();
      for (let i = 0; i < FILES; i += 1) {
        const client = clients[i % clients.length]!;
        const group = i % groups.length;
        const bytes = chains.buildBytes({
          group: groups[group]!.keys,
          senders: [alice!],
          client: client.app,
          blockchain: { lastblock: last(2_000_000 + i, 'a'), trustedblock: trusted(i, 'b') },
          message: { data: new TextEncoder().encode(`message ${i} to ${groups[group]!.name}`) },
        });
        files.push({ bytes, client, group });
        groups[group]!.hash = parseTxFile(bytes).recipient.sha512hash;
      }
      let fresh = 0;
      buildFreshFile = () =>
        chains.buildBytes({
          group: groups[0]!.keys,
          senders: [alice!],
          client: clients[0]!.app,
          blockchain: {
            lastblock: last(3_000_000 + fresh, 'c'),
            trustedblock: trusted(fresh, 'd'),
          },
          message: { data: new TextEncoder().encode(`fresh message ${fresh++}`) },
        });
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
        if (system!.ergo?.relayChecksBlocks === true) {
          // A registered app's well-formed file naming a block the Ergo chain does not have.
          const response = await fetch(`${system!.submitUrl(0)}/v1/tx-files`, {
            method: 'POST',
            headers: { 'content-type': 'application/yaml', 'anchorpost-tenant': 'acme' },
            body: madeUpBlockFile!,
          });
          assert.equal(response.status, 400);
          assert.equal(
            ((await response.json()) as { error: { code: string } }).error.code,
            'BLOCK_NOT_ON_CHAIN',
          );
          assert.deepEqual(await grpcCode(madeUpBlockFile!), {
            status: grpc.status.INVALID_ARGUMENT,
            code: 'BLOCK_NOT_ON_CHAIN',
          });
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
                const proof = (await response.json()) as TxFileProof;
                // With Ergo on, a proof is complete once it carries both chains' anchors.
                const chains = new Set(proof.anchors.map((a) => a.chain));
                if (system!.ergo !== undefined && !(chains.has('evm') && chains.has('ergo'))) return;
                proofs.set(cid, proof);
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
      // The verifier needs nothing of ours at verification time: the proof files, the chains' own
      // nodes, and the trust roots it keeps (the platform's, checked here against what it serves).
      const trustFile = await system!.trustFile();
      const trust = parseTrustRoots(await readFile(trustFile, 'utf8'));
      assert.deepEqual(
        trust,
        await publishedTrustRoots(api),
        'the trust file is what GET /v1/trust-roots serves',
      );
      assert.equal(trust.evm[0]?.contract, system!.contractAddress().toLowerCase());
      if (system!.ergo !== undefined) assert.equal(trust.ergo[0]?.tokenId, system!.ergo.tokenId());
      const nodes = ['--trust', trustFile, '--evm-rpc', system!.evmRpc()];
      // Without an Ergo node "sent after" cannot be established: said explicitly, as a user must.
      nodes.push(
        ...(system!.ergo === undefined ? ['--no-lower-bound'] : ['--ergo-node', system!.ergo.nodeUrl()]),
      );
      for (let i = 0; i < paths.length; i += 200) {
        const { stdout } = await run(
          process.execPath,
          [CLI, 'verify', ...paths.slice(i, i + 200), ...nodes],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        const count = Math.min(200, paths.length - i);
        assert.equal(stdout.match(/^verified tx-file /gm)?.length, count);
        assert.equal(stdout.match(/^ {2}trusted: every anchor is in the trust roots of /gm)?.length, count);
        if (system!.ergo !== undefined) {
          // Both anchors checked, and the time window's lower end read from the Ergo node.
          assert.equal(stdout.match(/^ {2}anchor ergo:testnet: /gm)?.length, count);
          assert.equal(stdout.match(/^ {2}anchor evm:31337: /gm)?.length, count);
          // The trustedblock each file names was found on the Ergo chain.
          assert.equal(
            stdout.match(/^ {2}sent after: \S+ \(the tx-file's trustedblock, .* is on the best chain\)$/gm)
              ?.length,
            count,
          );
        } else {
          assert.equal(
            stdout.match(/^ {2}sent after: NOT ESTABLISHED \(--no-lower-bound\)/gm)?.length,
            count,
          );
        }
      }
      // And a tampered proof is refused with exit 1: one file's proof claiming another file.
      const [[, first], [otherCid]] = [...proofs.entries()] as [[string, TxFileProof], [string, TxFileProof]];
      await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...first, txFile: otherCid }));
      await assert.rejects(
        run(process.execPath, [CLI, 'verify', join(dir, 'tampered.json'), ...nodes]),
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
      if (system!.ergo !== undefined) {
        // The same batches on Ergo, each once, following the marker token.
        const ergo = new ErgoChainReader({
          nodeUrls: [system!.ergo.nodeUrl()],
          network: 'testnet',
          tokenId: system!.ergo.tokenId(),
          startHeight: system!.ergo.startHeight(),
        });
        const ergoAnchors = [];
        for await (const page of ergo.readAnchors(0, (await ergo.head()).number))
          ergoAnchors.push(...page.anchors);
        assert.equal(
          new Set(ergoAnchors.map((a) => a.sequence)).size,
          ergoAnchors.length,
          'one Ergo anchor per sequence',
        );
        assert.deepEqual(
          new Set(ergoAnchors.map((a) => a.batchCid)),
          new Set(anchors.map((a) => a.batchCid)),
          'every batch anchored on both chains',
        );
      }
    });

    it('re-anchors on Ergo once after a 3-block rollback, and serves the updated proof', async (t) => {
      const ergo = system!.ergo;
      if (ergo === undefined) {
        t.skip('no Ergo on this system');
        return;
      }
      const api = system!.proofApiUrl();
      // A file sent now gets an Ergo anchor in the newest blocks: the ones the rollback takes.
      const file = files[0]!;
      const fresh = buildFreshFile();
      const receipt = await submitUntilAccepted(
        () => system!.submitUrl(0),
        file.client.tenant,
        fresh,
        Date.now() + 60_000,
      );
      receipts.set(receipt.cid, receipt);
      extraFiles += 1;
      const ergoAnchorOf = async (): Promise<
        { proof: TxFileProof; anchor: { txId: string; headerId: string; height: number } } | undefined
      > => {
        const response = await fetch(`${api}/v1/proofs/${receipt.cid}`);
        if (response.status !== 200) return undefined;
        const proof = (await response.json()) as TxFileProof;
        const anchor = proof.anchors.find((a) => a.chain === 'ergo');
        return anchor === undefined ? undefined : { proof, anchor };
      };
      let before: Awaited<ReturnType<typeof ergoAnchorOf>>;
      await waitUntil(
        'an Ergo anchor in the proof',
        async () => (before = await ergoAnchorOf()) !== undefined,
        3 * 60_000,
      );
      const { fullHeight: head } = (await (await fetch(`${ergo.nodeUrl()}/info`)).json()) as {
        fullHeight: number;
      };
      const depth = head - before!.anchor.height + 1;
      assert.ok(depth <= 3, `the anchor is ${depth} blocks deep, within reach of a 3-block rollback`);
      await ergo.rollback(3);
      const stalePath = join(dir, 'stale-proof.json');
      await writeFile(stalePath, JSON.stringify(before!.proof));
      // The proof moves to the new block once the anchor is mined again and indexed.
      let after: Awaited<ReturnType<typeof ergoAnchorOf>>;
      await waitUntil(
        'the proof updated to the new Ergo block',
        async () => {
          after = await ergoAnchorOf();
          return after !== undefined && after.anchor.headerId !== before!.anchor.headerId;
        },
        3 * 60_000,
      );
      // Sent again (the same transaction, or signed anew on the current anchor box when the node
      // refuses the old one): either way one anchor of the batch on Ergo, checked below.
      assert.equal(after!.proof.batch.sequence, before!.proof.batch.sequence);
      const freshPath = join(dir, 'updated-proof.json');
      await writeFile(freshPath, JSON.stringify(after!.proof));
      const nodes = ['--trust', await system!.trustFile()];
      nodes.push('--evm-rpc', system!.evmRpc(), '--ergo-node', ergo.nodeUrl());
      const { stdout } = await run(process.execPath, [CLI, 'verify', freshPath, ...nodes]);
      assert.match(stdout, /^verified tx-file /m);
      await assert.rejects(
        run(process.execPath, [CLI, 'verify', stalePath, ...nodes]),
        (error: { code?: number; stderr?: string }) => {
          return error.code === 1 && /NOT_CANONICAL|ANCHOR_NOT_FOUND/.test(error.stderr ?? '');
        },
      );
      const reader = new ErgoChainReader({
        nodeUrls: [ergo.nodeUrl()],
        network: 'testnet',
        tokenId: ergo.tokenId(),
        startHeight: ergo.startHeight(),
      });
      const all = [];
      for await (const page of reader.readAnchors(0, (await reader.head()).number)) all.push(...page.anchors);
      assert.equal(
        new Set(all.map((a) => a.sequence)).size,
        all.length,
        'still one Ergo anchor per sequence',
      );
      // The batch's EVM anchor reaches the index on its own clock (the trusted depth): wait for it,
      // or the rebuild below would find an anchor the live index had not taken in yet.
      await waitUntil(
        'the batch anchored on EVM too',
        async () => (await ergoAnchorOf())?.proof.anchors.some((a) => a.chain === 'evm') === true,
        3 * 60_000,
      );
    });

    it('rebuilds the index from chain and storage alone, row for row', async () => {
      for (const subscriber of subscribers) subscriber.stop();
      await system!.stopCleanly();
      const before = await system!.dumpIndex();
      assert.equal(before.txFiles.length, FILES + extraFiles);
      await system!.rebuildIndex();
      assert.deepEqual(await system!.dumpIndex(), before);
    });
  });
}
