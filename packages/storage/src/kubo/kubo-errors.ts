/**
 * What kubo-rpc-client and the daemon report, in the port's words. Kubo answers every failure
 * with HTTP 500 and a message, so the message is what there is to classify.
 */
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

/** Connection-level failures: the daemon is not there (or not answering) right now. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * What a daemon that is stopping (or still opening its repository) answers: it is going away, not
 * broken, and the same call succeeds on the daemon that comes back.
 */
const CLOSING_MESSAGES = ['repo not open', 'repo closed', 'shutting down', 'context canceled'];
const NOT_FOUND_MESSAGES = ['not found', 'could not find', 'no link named'];
const NOT_A_FILE_MESSAGES = [
  'not unixfs',
  'not a file',
  'is a directory',
  'unsupported',
  'unrecognized node type',
  'unknown node type',
  'not a valid',
];

/** An error answer from the daemon, for the requests this package makes itself (kubo-add.ts). */
export class KuboRpcError extends Error {
  override readonly name = 'KuboRpcError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The HTTP status and message of an error answer from the daemon, if `error` is one. */
function kuboAnswer(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof KuboRpcError) return { status: error.status, message: error.message };
  if (!(error instanceof Error) || error.name !== 'HTTPError') return undefined;
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return typeof status === 'number' ? { status, message: error.message } : undefined;
}

/** The message Kubo sent, if `error` is an error answer from it. */
export function kuboMessage(error: unknown): string | undefined {
  return kuboAnswer(error)?.message;
}

export function kuboStorageError(error: unknown, what: string): Error {
  if (!(error instanceof Error))
    return new StorageError(StorageErrorCode.Internal, `${what}: ${String(error)}`);
  if (error instanceof StorageError || error.name === 'ProtocolError') return error;
  if (isUnreachable(error)) {
    return new StorageError(
      StorageErrorCode.Unavailable,
      `${what}: the Kubo daemon cannot be reached (${describe(error)})`,
      {
        cause: error,
      },
    );
  }
  // kubo-rpc-client's name for Kubo's "context deadline exceeded": the daemon's own time limit.
  if (error.name === 'TimeoutError') {
    return new StorageError(StorageErrorCode.Timeout, `${what}: Kubo gave up in time (${error.message})`, {
      cause: error,
    });
  }
  const answer = kuboAnswer(error);
  if (answer !== undefined) {
    const { status, message } = answer;
    const lower = message.toLowerCase();
    if (NOT_FOUND_MESSAGES.some((m) => lower.includes(m))) {
      return new StorageError(StorageErrorCode.NotFound, `${what}: not in the store (${message})`, {
        cause: error,
      });
    }
    if (NOT_A_FILE_MESSAGES.some((m) => lower.includes(m))) {
      return new StorageError(StorageErrorCode.NotAFile, `${what}: not a UnixFS file (${message})`, {
        cause: error,
      });
    }
    // A proxy in front of the daemon saying the daemon is away, or the daemon closing.
    if (
      status === 502 ||
      status === 503 ||
      status === 504 ||
      CLOSING_MESSAGES.some((m) => lower.includes(m))
    ) {
      return new StorageError(StorageErrorCode.Unavailable, `${what}: HTTP ${status} (${message})`, {
        cause: error,
      });
    }
    return new StorageError(StorageErrorCode.Internal, `${what}: Kubo says: ${message}`, { cause: error });
  }
  return new StorageError(StorageErrorCode.Internal, `${what}: ${describe(error)}`, { cause: error });
}

function isUnreachable(error: Error): boolean {
  // Native fetch throws TypeError('fetch failed') with the socket error as its cause (sometimes nested).
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 4; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (cause instanceof AggregateError && cause.errors.some((e) => e instanceof Error && isUnreachable(e)))
      return true;
    cause = cause.cause;
  }
  return false;
}

function describe(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
