/**
 * `anchorpost.batch.sealed.v1` — the batcher wrote (and pinned) a batch-file. Key: the platform id,
 * so batches stay in sequence order on one partition. `sealedOffsets` names the last
 * tx-file.accepted offset per partition the batch covers, so a re-run after a crash resumes there.
 */
import { CID_TEXT, count, decodeJson, encodeJson, HEX64, ISO_TIME, text } from './codec.ts';
import { EventDecodeError } from './event-error.ts';

export const BATCH_SEALED_TOPIC = 'anchorpost.batch.sealed.v1';

export interface BatchSealed {
  platform: string;
  sequence: number;
  batchCid: string;
  previousCid: string | null;
  merkleRoot: string;
  count: number;
  sealedAt: string;
  /** Partition → the last offset (inclusive) of `anchorpost.tx-file.accepted.v1` in this batch. */
  sealedOffsets: Record<string, number>;
}

const KEYS = [
  'platform',
  'sequence',
  'batchCid',
  'previousCid',
  'merkleRoot',
  'count',
  'sealedAt',
  'sealedOffsets',
] as const;

export const batchSealed = {
  topic: BATCH_SEALED_TOPIC,
  key: (event: BatchSealed): string => event.platform,
  encode: (event: BatchSealed): Uint8Array => encodeJson(event),
  decode(bytes: Uint8Array): BatchSealed {
    const t = BATCH_SEALED_TOPIC;
    const fields = decodeJson(t, bytes, KEYS);
    const previous = fields.previousCid;
    const offsets = fields.sealedOffsets;
    if (typeof offsets !== 'object' || offsets === null || Array.isArray(offsets))
      throw new EventDecodeError(t, 'bad sealedOffsets');
    const sealedOffsets: Record<string, number> = {};
    for (const partition of Object.keys(offsets)) {
      if (!/^(0|[1-9]\d{0,3})$/.test(partition)) throw new EventDecodeError(t, `bad partition ${partition}`);
      sealedOffsets[partition] = count(t, offsets as Record<string, unknown>, partition);
    }
    return {
      platform: text(t, fields, 'platform'),
      sequence: count(t, fields, 'sequence'),
      batchCid: text(t, fields, 'batchCid', CID_TEXT),
      previousCid: previous === null ? null : text(t, fields, 'previousCid', CID_TEXT),
      merkleRoot: text(t, fields, 'merkleRoot', HEX64),
      count: count(t, fields, 'count'),
      sealedAt: text(t, fields, 'sealedAt', ISO_TIME),
      sealedOffsets,
    };
  },
};
