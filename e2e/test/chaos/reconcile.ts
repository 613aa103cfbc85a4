// The chaos suite's bookkeeping, against the system's own public surfaces: the proof API (is every
// accepted file proven?), the chain's Anchored events (is every batch anchored once?), the index
// (is every file in exactly one batch?) and `anchorpost verify` (does every proof check out
// against the chain and the platform's trust roots, trusting nothing else of ours?).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ErgoChainReader, EvmChainReader } from '@anchorpost/chains';
import { openDatabase } from '@anchorpost/db';
import type { TxFileProof } from '@anchorpost/proofs';
import { waitUntil } from '../clients.ts';
import { REPO } from '../platform-process.ts';
import { savePublishedTrustRoots } from '../trust-roots.ts';

const run = promisify(execFile);
const CLI = join(REPO, 'packages/cli/bin/anchorpost.js');
const VERIFY_CHUNK = 200;
/**
 * What the verifier says of a proof whose anchor moved after it was served (a rollback or reorg
 * under a fresh anchor), or while a node is away: fetch it again. Anything else is a failure.
 */
const MOVED = new Set([
  'NOT_CANONICAL',
  'ANCHOR_NOT_FOUND',
  'ANCHOR_REVERTED',
  'TOO_FEW_CONFIRMATIONS',
  'RPC_UNAVAILABLE',
]);

export interface Tally {
  accepted: number;
  /** Accepted files found in a sealed, indexed batch. */
  batched: number;
  /** Accepted files in a batch anchored on chain. */
  anchored: number;
  /** Accepted files in no anchored batch. */
  lost: number;
  /** Accepted files in a batch anchored on Ergo (when the cluster anchors there too). */
  ergoAnchored?: number;
  /** Files in more than one batch, plus anchors beyond the first of a batch or sequence. */
  duplicated: number;
  proofsVerified: number;
}

export interface ReconcilerOptions {
  readonly proofApiUrl: string;
  readonly evmRpc: string;
  readonly contractAddress: string;
  readonly deployBlock: number;
  readonly indexDatabaseUrl: string;
  /** Where proof files are written for the CLI. */
  readonly dir: string;
  /** The Ergo node the platform anchors on too, if any. */
  readonly ergo?: { readonly nodeUrl: string; readonly tokenId: string; readonly startHeight: number };
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #proofs = new Map<string, TxFileProof>();
  readonly #verified = new Set<string>();
  #trustFile: Promise<string> | undefined;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /** Waits until the proof API serves a proof of every one of `cids` (202 while pending). */
  async waitForProofs(cids: readonly string[], timeoutMs: number): Promise<void> {
    const pending = new Set(cids.filter((cid) => !this.#proofs.has(cid)));
    await waitUntil(
      `a proof of each of ${pending.size} files`,
      async () => {
        const round = [...pending];
        for (let i = 0; i < round.length; i += 16) {
          await Promise.all(
            round.slice(i, i + 16).map(async (cid) => {
              try {
                const response = await fetch(`${this.#options.proofApiUrl}/v1/proofs/${cid}`, {
                  signal: AbortSignal.timeout(10_000),
                });
                if (response.status !== 200) {
                  await response.body?.cancel();
                  return;
                }
                this.#proofs.set(cid, (await response.json()) as TxFileProof);
                pending.delete(cid);
              } catch {
                // the proof API is down or restarting: ask again next round
              }
            }),
          );
        }
        return pending.size === 0;
      },
      timeoutMs,
    );
  }

  /**
   * Proofs of every one of `cids`, each anchored on every chain and verified: fetches, verifies,
   * and fetches again the proofs a chain has since rolled back (the proof API serves the moved
   * anchor once the parser has followed), until none is left or the time is up.
   */
  async settle(cids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.waitForProofs(cids, Math.max(1, deadline - Date.now()));
      await this.waitForErgo(cids, Math.max(1, deadline - Date.now()));
      const stale = await this.#verifyNew();
      if (stale.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`proofs still stale after ${timeoutMs} ms: ${stale.join('; ')}`);
      }
      await sleep(1_000);
    }
  }

  /**
   * Checks every proof fetched and not checked yet with `anchorpost verify` against the chains.
   * A proof whose anchor a rollback or reorg has taken away since it was fetched is dropped, to be
   * fetched again; its error lines are returned. Any other failure fails the test.
   */
  async #verifyNew(): Promise<string[]> {
    const todo = [...this.#proofs.keys()].filter((cid) => !this.#verified.has(cid));
    // The platform's published trust roots, saved once as the auditor's trust file.
    this.#trustFile ??= savePublishedTrustRoots(
      this.#options.proofApiUrl,
      join(this.#options.dir, 'trust.json'),
    );
    const trust = ['--trust', await this.#trustFile];
    const proofDir = join(this.#options.dir, 'proofs');
    await mkdir(proofDir, { recursive: true });
    const stale: string[] = [];
    for (let i = 0; i < todo.length; i += VERIFY_CHUNK) {
      const chunk = todo.slice(i, i + VERIFY_CHUNK);
      const paths = [];
      for (const cid of chunk) {
        const path = join(proofDir, `${cid}.json`);
        await writeFile(path, JSON.stringify(this.#proofs.get(cid)));
        paths.push(path);
      }
      const args = [
        CLI,
        'verify',
        ...paths,
        ...trust,
        '--evm-rpc',
        this.#options.evmRpc,
        // Ergo anchors and each file's named block are checked on the node; without Ergo "sent
        // after" cannot be established, and the verifier is told so explicitly.
        ...(this.#options.ergo === undefined
          ? ['--no-lower-bound']
          : ['--ergo-node', `testnet=${this.#options.ergo.nodeUrl}`]),
      ];
      const { stdout, stderr } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }).catch(
        // Exit 1: some proof failed; its ERROR line says which and why.
        (error: unknown) => {
          const { stdout, stderr } = error as { stdout?: string; stderr?: string };
          return { stdout: stdout ?? '', stderr: stderr ?? '' };
        },
      );
      const verified = new Set([...stdout.matchAll(/^verified tx-file (\S+)/gm)].map((m) => m[1]!));
      for (const cid of chunk) {
        if (verified.has(cid)) {
          this.#verified.add(cid);
          continue;
        }
        const line = stderr.split('\n').find((l) => l.includes(`${cid}.json`)) ?? `no answer for ${cid}`;
        const code = /^ERROR (\S+)/.exec(line)?.[1];
        assert.ok(code !== undefined && MOVED.has(code), `the proof of ${cid} does not verify: ${line}`);
        this.#proofs.delete(cid);
        stale.push(line);
      }
    }
    return stale;
  }

  /** Counts, for `cids`, what the chain and the index say. */
  async tally(cids: readonly string[]): Promise<Tally> {
    const reader = new EvmChainReader({
      rpcUrls: [this.#options.evmRpc],
      chainId: 31_337,
      contractAddress: this.#options.contractAddress,
      deployBlock: this.#options.deployBlock,
    });
    const head = await reader.head();
    const anchors = [];
    for await (const page of reader.readAnchors(this.#options.deployBlock, head.number)) {
      anchors.push(...page.anchors);
    }
    const anchoredBatches = new Set(anchors.map((a) => a.batchCid));
    const ergo = await this.#ergoAnchors();
    const ergoBatches = new Set(ergo.map((a) => a.batchCid));
    const extraAnchors = [anchors, ergo]
      .map(
        (list) =>
          2 * list.length -
          new Set(list.map((a) => a.batchCid)).size -
          new Set(list.map((a) => a.sequence)).size,
      )
      .reduce((sum, n) => sum + n, 0);

    const opened = await openDatabase({
      mode: 'postgres',
      databaseUrl: this.#options.indexDatabaseUrl,
      poolSize: 1,
    });
    let entries;
    try {
      entries = (await opened.database.index.dumpAll()).batchEntries;
    } finally {
      await opened.close();
    }
    const batchesOf = new Map<string, string[]>();
    for (const entry of entries) {
      const list = batchesOf.get(entry.txFileCid) ?? [];
      list.push(entry.batchCid);
      batchesOf.set(entry.txFileCid, list);
    }
    let batched = 0;
    let anchored = 0;
    let ergoAnchored = 0;
    let inTwo = 0;
    for (const cid of cids) {
      const batches = batchesOf.get(cid) ?? [];
      if (batches.length > 0) batched += 1;
      if (batches.length > 1) inTwo += 1;
      if (batches.some((batch) => anchoredBatches.has(batch))) anchored += 1;
      if (batches.some((batch) => ergoBatches.has(batch))) ergoAnchored += 1;
    }
    return {
      accepted: cids.length,
      batched,
      anchored,
      ...(this.#options.ergo === undefined ? {} : { ergoAnchored }),
      lost: cids.length - anchored,
      duplicated: inTwo + extraAnchors,
      proofsVerified: cids.filter((cid) => this.#verified.has(cid)).length,
    };
  }

  /** Waits until every one of `cids` is in a batch anchored on Ergo (when there is Ergo). */
  async waitForErgo(cids: readonly string[], timeoutMs: number): Promise<void> {
    if (this.#options.ergo === undefined) return;
    await waitUntil(
      `an Ergo anchor of each of ${cids.length} files`,
      async () => {
        try {
          return (await this.tally(cids)).ergoAnchored === cids.length;
        } catch {
          return false; // the node is away: ask again
        }
      },
      timeoutMs,
    );
  }

  /** The anchors on the Ergo chain as the node has it now (none without Ergo). */
  async #ergoAnchors(): Promise<{ batchCid: string; sequence: number }[]> {
    const options = this.#options.ergo;
    if (options === undefined) return [];
    const reader = new ErgoChainReader({
      nodeUrls: [options.nodeUrl],
      network: 'testnet',
      tokenId: options.tokenId,
      startHeight: options.startHeight,
    });
    const anchors = [];
    for await (const page of reader.readAnchors(0, (await reader.head()).number))
      anchors.push(...page.anchors);
    return anchors;
  }
}
