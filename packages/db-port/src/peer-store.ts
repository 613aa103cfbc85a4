/**
 * The PeerStore port: the platforms this one follows through the chain (ADR 0031), how far their
 * anchors have been read on each chain, and which indexed batches came from which of them. The
 * operator adds and removes peers (admin API, CLI); the parser reads them and writes cursors and
 * origins. Trust roots are kept as the JSON document that was added: this port depends on nothing
 * that could parse them, its callers parse them strictly before storing and after reading.
 */
import type { ChainCursorRecord, ChainKind } from './records.ts';

export interface PeerRecord {
  /** The `platform` of its trust roots. */
  name: string;
  /** The TrustRoots v1 document, as added. */
  trustRoots: Record<string, unknown>;
  addedAt: Date;
}

/** Where an indexed batch came from: a peer, through its anchor on one chain. */
export interface PeerBatchRecord {
  batchCid: string;
  peer: string;
  chain: ChainKind;
  chainId: string;
}

/** A peer's batch in order of arrival; `indexed` false while the parser is still writing it. */
export interface PeerBatchPosition {
  position: number;
  batchCid: string;
  indexed: boolean;
}

/** Where the delivery of one peer's files from one chain stands: entries done of the batch at `position`. */
export interface PeerDeliveryPosition {
  position: number;
  entry: number;
}

/** One stream of inbound files: a peer on one chain. */
export interface PeerChain {
  peer: string;
  chain: ChainKind;
  chainId: string;
}

export interface PeerStore {
  /** Adds a peer; false if one of that name exists (nothing changes then). */
  addPeer(peer: PeerRecord): Promise<boolean>;
  /** Every peer, ordered by name. */
  listPeers(): Promise<PeerRecord[]>;
  getPeer(name: string): Promise<PeerRecord | null>;
  /** Removes the peer and its cursors (its batches stay indexed, with their origin); false if there was none. */
  removePeer(name: string): Promise<boolean>;
  getPeerCursor(peer: string, chain: ChainKind, chainId: string): Promise<ChainCursorRecord | null>;
  /** FOREIGN_KEY_VIOLATION when the peer was removed meanwhile (a follower must stop). */
  savePeerCursor(peer: string, cursor: ChainCursorRecord): Promise<void>;
  /**
   * Records the batch's origin, before the batch itself is indexed (a crash between them must not
   * leave a peer's batch without its origin); a second call for the same batch keeps the first.
   */
  recordPeerBatch(record: PeerBatchRecord): Promise<void>;
  /** The origin of an indexed batch; null for the platform's own batches. */
  peerBatch(batchCid: string): Promise<PeerBatchRecord | null>;
  /** Every peer and chain that batches came from, ordered. */
  peerChains(): Promise<PeerChain[]>;
  /** The peer's batches from the chain after `position` (exclusive), in order of arrival, at most `limit`. */
  peerBatchesAfter(from: PeerChain, position: number, limit: number): Promise<PeerBatchPosition[]>;
  getDeliveryCursor(from: PeerChain): Promise<PeerDeliveryPosition | null>;
  saveDeliveryCursor(from: PeerChain, cursor: PeerDeliveryPosition): Promise<void>;
}
