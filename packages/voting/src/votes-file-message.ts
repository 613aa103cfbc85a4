/**
 * How the organizer's Votes file travels: as the data of an ordinary tx-file of the group, whose
 * header is the Votes file's media type, so it is sent, delivered, batched and anchored like any
 * message, and a reader tells it from other messages once the file is opened.
 */
import { parseVotesFile, serializeVotesFile, type VotesFile } from '@anchorpost/protocol/web';

export const VOTES_FILE_MEDIA_TYPE = 'application/vnd.anchorpost.votes+xml';

const encoder = new TextEncoder();

/** The message (header and data) of the tx-file that publishes `votes`, in canonical XML. */
export function votesFileMessage(votes: VotesFile): { header: Uint8Array; data: Uint8Array } {
  return { header: encoder.encode(VOTES_FILE_MEDIA_TYPE), data: serializeVotesFile(votes) };
}

/** Whether an opened message is a Votes file (by its header). */
export function isVotesFileMessage(message: { header?: Uint8Array | undefined }): boolean {
  return message.header !== undefined && new TextDecoder().decode(message.header) === VOTES_FILE_MEDIA_TYPE;
}

/** The Votes file a message carries (ProtocolError when its XML is malformed). */
export function readVotesFileMessage(message: { data: Uint8Array }): VotesFile {
  return parseVotesFile(message.data);
}
