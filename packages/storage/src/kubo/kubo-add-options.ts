/**
 * The `ipfs add` flags that reproduce the protocol's importer (see the protocol's
 * `unixfsImporterOptions`). Every one is sent explicitly, so a daemon whose `Import.*` config
 * differs from Kubo's defaults (another chunker, CIDv0, fewer links per node, sha2-512, inlining)
 * still gives the same CIDs. The adapter checks each result against the protocol all the same.
 */
import { UNIXFS_CHUNK_SIZE, UNIXFS_MAX_CHILDREN_PER_NODE } from '@anchorpost/protocol';

export function kuboAddFlags(pin: boolean): Record<string, string | number | boolean> {
  return {
    'cid-version': 1,
    'raw-leaves': true,
    hash: 'sha2-256',
    chunker: `size-${UNIXFS_CHUNK_SIZE}`,
    // Balanced layout, as the protocol's importer.
    trickle: false,
    'max-file-links': UNIXFS_MAX_CHILDREN_PER_NODE,
    inline: false,
    'wrap-with-directory': false,
    pin,
  };
}
