// What the test's application and auditor do against the pods: send tx-files to the relay and
// keep their receipts, then fetch each file's proof from the proof API and verify it with
// @anchorpost/proofs against the anvil chain, under trust roots the auditor sets itself (the
// contract and the anchorer's address it knows) — which must also be what the proof API publishes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { parseTrustRoots, verifyProof, type TrustRoots, type TxFileProof } from '@anchorpost/proofs';
import { buildTxFile, createGroup, serializeTxFile, type PrivateIdentity } from '@anchorpost/protocol';

/** A one-message tx-file from the application to a group of its own. */
export async function txFile(app: PrivateIdentity, text: string): Promise<Uint8Array> {
  const group = await createGroup('modern', [app.public]);
  return serializeTxFile(
    buildTxFile({
      group: group.keys,
      senders: [app],
      client: app,
      blockchain: {
        lastblock: { height: 2_000_000, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_999_990, signature: 'b'.repeat(64) },
      },
      message: { data: new TextEncoder().encode(text) },
    }),
  );
}

/** POSTs it to the relay; asserts a 201 and returns the receipt's CID. */
export async function submit(relayUrl: string, apiKey: string, bytes: Uint8Array): Promise<string> {
  const response = await fetch(`${relayUrl}/v1/tx-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
    body: bytes,
  });
  const body = (await response.json()) as { receipt?: { cid: string }; error?: { code: string } };
  assert.equal(response.status, 201, JSON.stringify(body));
  assert.ok(body.receipt?.cid);
  return body.receipt.cid;
}

/** Each file's proof, asked again while it is not anchored deep enough yet (202) or the API is busy (503). */
export async function fetchProofs(
  proofApiUrl: string,
  cids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, TxFileProof>> {
  const proofs = new Map<string, TxFileProof>();
  const deadline = Date.now() + timeoutMs;
  while (proofs.size < cids.length) {
    for (const cid of cids.filter((c) => !proofs.has(c))) {
      const response = await fetch(`${proofApiUrl}/v1/proofs/${cid}`);
      if (response.status === 202 || response.status === 503) await response.body?.cancel();
      else {
        assert.equal(response.status, 200, `proof of ${cid}: ${await response.clone().text()}`);
        proofs.set(cid, (await response.json()) as TxFileProof);
      }
    }
    if (proofs.size < cids.length) {
      assert.ok(Date.now() < deadline, `${cids.length - proofs.size} of ${cids.length} files have no proof`);
      await sleep(500);
    }
  }
  return proofs;
}

/** The auditor's own trust roots: this chain's contract and the anchorer's address, nothing from the platform. */
export function auditorTrustRoots(chain: EvmTestChain, platform: string): TrustRoots {
  return parseTrustRoots({
    version: 1,
    platform,
    evm: [
      {
        chainId: String(chain.anvil.chainId),
        contract: chain.contractAddress.toLowerCase(),
        submitters: [chain.owner.address.toLowerCase()],
      },
    ],
    ergo: [],
  });
}

/** Verifies a proof against the chain's JSON-RPC under `trust`; there is no Ergo node, so no lower time bound. */
export async function verifyOnChain(proof: TxFileProof, chain: EvmTestChain, trust: TrustRoots) {
  return verifyProof(proof, {
    evmRpcUrls: { [String(chain.anvil.chainId)]: chain.anvil.rpcUrl },
    trust,
    acceptNoLowerBound: true,
  });
}
