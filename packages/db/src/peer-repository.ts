/**
 * The PeerStore port of @anchorpost/db-port on PostgreSQL (or the embedded PGlite): tables `peer`,
 * `peer_cursor` (per peer per chain, cascading with the peer) and `peer_batch` (the origin of a
 * batch indexed from a peer's anchor, written before the batch, kept when the peer goes).
 */
import type {
  ChainCursorRecord,
  ChainKind,
  PeerBatchPosition,
  PeerBatchRecord,
  PeerChain,
  PeerDeliveryPosition,
  PeerRecord,
  PeerStore,
} from '@anchorpost/db-port';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

interface PeerRow {
  name: string;
  trustRoots: unknown;
  addedAt: Date;
}

function toPeerRecord(row: PeerRow): PeerRecord {
  return { name: row.name, trustRoots: row.trustRoots as Record<string, unknown>, addedAt: row.addedAt };
}

/** The document as stored: a JSON round trip, so that only what JSON holds reaches the column. */
function trustRootsJson(document: Record<string, unknown>): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(document)) as Prisma.InputJsonObject;
}

export class PrismaPeerRepository implements PeerStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  addPeer(peer: PeerRecord): Promise<boolean> {
    return withDbErrors('addPeer', async () => {
      const inserted = await this.#prisma.peer.createMany({
        data: [{ name: peer.name, trustRoots: trustRootsJson(peer.trustRoots), addedAt: peer.addedAt }],
        skipDuplicates: true,
      });
      return inserted.count === 1;
    });
  }

  listPeers(): Promise<PeerRecord[]> {
    return withDbErrors('listPeers', async () =>
      (await this.#prisma.peer.findMany({ orderBy: { name: 'asc' } })).map(toPeerRecord),
    );
  }

  getPeer(name: string): Promise<PeerRecord | null> {
    return withDbErrors('getPeer', async () => {
      const row = await this.#prisma.peer.findUnique({ where: { name } });
      return row === null ? null : toPeerRecord(row);
    });
  }

  removePeer(name: string): Promise<boolean> {
    return withDbErrors('removePeer', async () => {
      const removed = await this.#prisma.peer.deleteMany({ where: { name } });
      return removed.count === 1;
    });
  }

  getPeerCursor(peer: string, chain: ChainKind, chainId: string): Promise<ChainCursorRecord | null> {
    return withDbErrors('getPeerCursor', async () => {
      const row = await this.#prisma.peerCursor.findUnique({
        where: { peer_chain_chainId: { peer, chain, chainId } },
      });
      if (row === null) return null;
      return {
        chain: row.chain,
        chainId: row.chainId,
        lastBlock: Number(row.lastBlock),
        lastBlockHash: row.lastBlockHash,
      };
    });
  }

  savePeerCursor(peer: string, cursor: ChainCursorRecord): Promise<void> {
    const fields = { lastBlock: cursor.lastBlock, lastBlockHash: cursor.lastBlockHash };
    return withDbErrors('savePeerCursor', async () => {
      await this.#prisma.peerCursor.upsert({
        where: { peer_chain_chainId: { peer, chain: cursor.chain, chainId: cursor.chainId } },
        create: { peer, chain: cursor.chain, chainId: cursor.chainId, ...fields },
        update: fields,
      });
    });
  }

  recordPeerBatch(record: PeerBatchRecord): Promise<void> {
    return withDbErrors('recordPeerBatch', async () => {
      await this.#prisma.peerBatch.createMany({ data: [record], skipDuplicates: true });
    });
  }

  peerBatch(batchCid: string): Promise<PeerBatchRecord | null> {
    return withDbErrors('peerBatch', async () => {
      const row = await this.#prisma.peerBatch.findUnique({ where: { batchCid } });
      if (row === null) return null;
      return { batchCid: row.batchCid, peer: row.peer, chain: row.chain, chainId: row.chainId };
    });
  }

  peerChains(): Promise<PeerChain[]> {
    return withDbErrors('peerChains', async () =>
      this.#prisma.peerBatch.findMany({
        distinct: ['peer', 'chain', 'chainId'],
        select: { peer: true, chain: true, chainId: true },
        orderBy: [{ peer: 'asc' }, { chain: 'asc' }, { chainId: 'asc' }],
      }),
    );
  }

  peerBatchesAfter(from: PeerChain, position: number, limit: number): Promise<PeerBatchPosition[]> {
    return withDbErrors('peerBatchesAfter', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<
        { position: bigint; batch_cid: string; indexed: boolean }[]
      >(
        `SELECT p.position, p.batch_cid, (b.cid IS NOT NULL) AS indexed
           FROM peer_batch p LEFT JOIN batch b ON b.cid = p.batch_cid
          WHERE p.peer = $1 AND p.chain = $2::chain_kind AND p.chain_id = $3 AND p.position > $4
          ORDER BY p.position LIMIT $5`,
        from.peer,
        from.chain,
        from.chainId,
        position,
        limit,
      );
      return rows.map((row) => ({
        position: Number(row.position),
        batchCid: row.batch_cid,
        indexed: row.indexed,
      }));
    });
  }

  getDeliveryCursor(from: PeerChain): Promise<PeerDeliveryPosition | null> {
    return withDbErrors('getDeliveryCursor', async () => {
      const row = await this.#prisma.peerDeliveryCursor.findUnique({ where: { peer_chain_chainId: from } });
      return row === null ? null : { position: Number(row.position), entry: row.entry };
    });
  }

  saveDeliveryCursor(from: PeerChain, cursor: PeerDeliveryPosition): Promise<void> {
    const fields = { position: cursor.position, entry: cursor.entry };
    return withDbErrors('saveDeliveryCursor', async () => {
      await this.#prisma.peerDeliveryCursor.upsert({
        where: { peer_chain_chainId: from },
        create: { ...from, ...fields },
        update: fields,
      });
    });
  }
}
