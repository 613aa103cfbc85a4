/**
 * Deterministic index rows for tests: CIDs, hashes and records derived from labels, so two
 * runs (or a rebuild) produce byte-identical data.
 */
import { createHash } from 'node:crypto';
import { cidForSmallBytes } from '@anchorpost/protocol';
import type { AnchorRecord, BatchRecord, ChainKind, TxFileRecord } from '@anchorpost/db-port';

function hex(label: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    out += createHash('sha256').update(`${label}/${round}`).digest('hex');
  }
  return out.slice(0, length);
}

/** A real CIDv1 (raw, sha2-256 of the label): the index hashes entries as Merkle leaves. */
export function fixtureCid(label: string): string {
  return cidForSmallBytes(new TextEncoder().encode(label));
}

/** A 128-hex HMAC-SHA512-looking hash. */
export function fixtureHash(label: string): string {
  return hex(label, 128);
}

export function fixtureBatch(platform: string, sequence: number, count: number): BatchRecord {
  return {
    cid: fixtureCid(`batch/${platform}/${sequence}`),
    platform,
    sequence,
    previousCid: sequence === 0 ? null : fixtureCid(`batch/${platform}/${sequence - 1}`),
    sealedAt: new Date(Date.UTC(2026, 10, 22, 3, sequence % 60, 0, 123)).toISOString(),
    merkleRoot: hex(`root/${platform}/${sequence}`, 64),
    count,
  };
}

export function fixtureEntries(label: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => fixtureCid(`${label}/entry/${index}`));
}

export function fixtureTxFile(
  cid: string,
  position: { batchSequence: number; batchIndex: number },
  recipientHash: string,
): TxFileRecord {
  return {
    cid,
    batchSequence: position.batchSequence,
    batchIndex: position.batchIndex,
    recipientHash,
    senderHashes: [fixtureHash(`${cid}/sender/0`), fixtureHash(`${cid}/sender/1`)],
    clientId: hex(`${cid}/client`, 64),
    suite: 'modern',
    stateBefore: '0'.repeat(128),
    stateAfter: fixtureHash(`${cid}/after`),
    size: 1000 + (position.batchIndex % 500),
    lastblockHeight: 1_204_331 + position.batchSequence,
    trustedblockHeight: 1_204_321 + position.batchSequence,
    trustedblockId: hex(`${cid}/trustedblock`, 64),
  };
}

export function fixtureAnchor(
  batch: BatchRecord,
  chain: ChainKind,
  chainId: string,
  blockNumber: number,
): AnchorRecord {
  return {
    chain,
    chainId,
    batchCid: batch.cid,
    contract: chain === 'evm' ? `0x${hex('contract', 40)}` : hex('marker-token', 64),
    sequence: batch.sequence,
    root: batch.merkleRoot,
    txHash: hex(`${chain}/${chainId}/${batch.cid}/tx/${blockNumber}`, 64),
    blockNumber,
    blockHash: hex(`${chain}/${chainId}/block/${blockNumber}`, 64),
    blockTime: new Date(Date.UTC(2026, 10, 22, 4, 0, 0) + blockNumber * 12_000).toISOString(),
    status: 'pending',
  };
}

/** Who and what a fixture sponsorship names; the rest is fixed. */
export interface SponsorshipFixture {
  readonly digest: string;
  readonly user: string;
  readonly kind: 'forward' | 'ballot';
  readonly to: string;
  readonly txHash: string;
  readonly tenant?: string;
  readonly data?: string;
}

/**
 * A settled sponsorship's row, for `prisma.sponsorship.create({ data })`: 21,000 wei charged of
 * 100,000 reserved, sent as `txHash`, its call succeeded. Tenant `acme` unless named.
 */
export function fixtureSettledSponsorship(row: SponsorshipFixture) {
  return {
    tenant: 'acme',
    data: '0x',
    ...row,
    gasLimit: '100000',
    maxFeePerGas: '1',
    reservedWei: '100000',
    chargedWei: '21000',
    state: 'settled' as const,
    deadline: 0n,
    periodStart: 0n,
    acceptedAt: 0n,
    succeeded: true,
  };
}
