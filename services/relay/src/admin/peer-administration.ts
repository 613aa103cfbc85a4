/**
 * The operator's peers (ADR 0031): platforms whose anchors the parser follows and whose files are
 * delivered here. A peer is added from its TrustRoots v1 document, parsed strictly
 * (INVALID_TRUST_ROOTS names the field) and stored as parsed; its name is the document's
 * `platform`. A platform's own name cannot be a peer: its own anchors are already followed.
 */
import type { PeerRecord, PeerStore } from '@anchorpost/db';
import { parseTrustRoots } from '@anchorpost/proofs';
import type { TrustRoots } from '@anchorpost/proofs';
import { RelayError, RelayErrorCode } from '@anchorpost/relay-core';

export interface Peer {
  readonly name: string;
  readonly trustRoots: TrustRoots;
  readonly addedAt: Date;
}

export class PeerAdministration {
  readonly #store: PeerStore;
  readonly #platform: string;
  readonly #now: () => Date;

  constructor(store: PeerStore, platform: string, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#platform = platform;
    this.#now = now;
  }

  /** Adds the peer; `added` false when one of that name exists (it is returned as stored). */
  async add(document: unknown): Promise<{ peer: Peer; added: boolean }> {
    const trustRoots = parseTrustRoots(document);
    if (trustRoots.platform === this.#platform) {
      throw new RelayError(
        RelayErrorCode.BadArgument,
        `"${trustRoots.platform}" is this platform's own name: a platform is not its own peer`,
      );
    }
    const record: PeerRecord = {
      name: trustRoots.platform,
      trustRoots: { ...trustRoots },
      addedAt: this.#now(),
    };
    const added = await this.#store.addPeer(record);
    if (added) return { peer: { name: record.name, trustRoots, addedAt: record.addedAt }, added };
    return { peer: await this.get(record.name), added };
  }

  async list(): Promise<Peer[]> {
    return (await this.#store.listPeers()).map(toPeer);
  }

  async get(name: string): Promise<Peer> {
    const record = await this.#store.getPeer(name);
    if (record === null) throw notFound(name);
    return toPeer(record);
  }

  async remove(name: string): Promise<void> {
    if (!(await this.#store.removePeer(name))) throw notFound(name);
  }
}

function toPeer(record: PeerRecord): Peer {
  return { name: record.name, trustRoots: parseTrustRoots(record.trustRoots), addedAt: record.addedAt };
}

function notFound(name: string): RelayError {
  return new RelayError(RelayErrorCode.PeerNotFound, `no peer named "${name}"`);
}
