/**
 * Building and opening tx-files: the protocol's builder and opener (`@anchorpost/protocol`), with
 * the bytes, their CID and a re-parse, so an app never sends a file the relay would refuse.
 */
import {
  buildTxFile,
  cidForBytes,
  DEFAULT_TX_FILE_LIMITS,
  openTxFile,
  parseTxFile,
  serializeTxFile,
  type BuildTxFileInput,
  type OpenedTxFile,
  type PublicIdentity,
  type TxFile,
} from '@anchorpost/protocol';
import type { GroupMembership } from './keys-and-groups.ts';

export type { BlockRef, BuildTxFileInput, OpenedTxFile, TxFile } from '@anchorpost/protocol';

/** A tx-file as sent: the parsed file, its exact bytes and their CID. */
export interface BuiltTxFile {
  readonly tx: TxFile;
  readonly bytes: Uint8Array;
  readonly cid: string;
}

/** What a member writes to its group; the group and the member as sender come from `from`. */
export type TxFileContent = Omit<BuildTxFileInput, 'group' | 'senders' | 'client'> & {
  /** The app's client key that signs the file (the relay checks it is the tenant's); default the member. */
  readonly client?: BuildTxFileInput['client'] | undefined;
};

/** Encrypts and signs a tx-file from `from` to its group. */
export async function buildGroupTxFile(from: GroupMembership, content: TxFileContent): Promise<BuiltTxFile> {
  const { client, ...rest } = content;
  return builtTxFile(
    buildTxFile({ ...rest, group: from.group, senders: [from.identity], client: client ?? from.identity }),
  );
}

/** The bytes and CID of a built tx-file, refused (by the protocol's own parser) if the relay would refuse them. */
export async function builtTxFile(tx: TxFile): Promise<BuiltTxFile> {
  const bytes = serializeTxFile(tx);
  parseTxFile(bytes);
  return { tx, bytes, cid: await cidForBytes(bytes) };
}

/**
 * Parses and decrypts a tx-file of `member`'s group. With `clientKey` the client's signature is
 * checked too (`client.verified`); the senders' signatures always are.
 */
export function openGroupTxFile(
  bytes: Uint8Array,
  member: Pick<GroupMembership, 'group'>,
  clientKey?: PublicIdentity,
): OpenedTxFile {
  const tx = parseTxFile(bytes, { maxBytes: DEFAULT_TX_FILE_LIMITS.maxBytes });
  return openTxFile(tx, { group: member.group, ...(clientKey ? { clientKey: () => clientKey } : {}) });
}
