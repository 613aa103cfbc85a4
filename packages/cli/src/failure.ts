/**
 * How the CLI fails: one line on stderr, `ERROR <code> <field>: <message>`, and a non-zero exit
 * code — never a stack trace. Usage mistakes exit 2, everything else 1.
 */
import { AnchorpostError, isProtocolError } from '@anchorpost/protocol';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure with a code that is not a protocol error (a missing file, a proof that does not verify...). */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly field: string;
  constructor(code: string, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** File-system failures worth naming as such (the path is the field). */
const IO_CODES = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EPERM']);

export function failureLine(error: unknown): { line: string; exitCode: number } {
  if (isProtocolError(error)) return { line: error.toLine(), exitCode: 1 };
  if (error instanceof UsageError) return { line: `ERROR USAGE -: ${oneLine(error.message)}`, exitCode: 2 };
  if (error instanceof CliError)
    return { line: `ERROR ${error.code} ${error.field}: ${oneLine(error.message)}`, exitCode: 1 };
  const { code, path, key } = (error ?? {}) as { code?: unknown; path?: unknown; key?: unknown };
  if (code === 'BAD_CONFIG' && typeof key === 'string') {
    // A setting refused (a ConfigError): its message already begins with the setting's name.
    const why = (error as Error).message.replace(`${key}: `, '');
    return { line: `ERROR BAD_CONFIG ${key}: ${oneLine(why)}`, exitCode: 1 };
  }
  if (error instanceof AnchorpostError && typeof (error as { field?: unknown }).field === 'string') {
    return { line: anchorpostErrorLine(error), exitCode: 1 };
  }
  if (typeof code === 'string' && IO_CODES.has(code)) {
    const where = typeof path === 'string' ? path : '-';
    return { line: `ERROR IO_${code} ${where}: ${oneLine((error as Error).message)}`, exitCode: 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { line: `ERROR INTERNAL -: ${oneLine(message)}`, exitCode: 1 };
}

/**
 * The errors of the SDK and the engines that name a field (SdkError, ProofError, VotingError…): their code and field; a
 * server's refusal relayed by the SDK keeps the server's own code (`apiCode`), as the user sees it
 * in the server's docs.
 */
function anchorpostErrorLine(error: { code: string; message: string }): string {
  const { apiCode, field } = error as { apiCode?: unknown; field?: unknown };
  const code = typeof apiCode === 'string' && /^[A-Z0-9_]+$/.test(apiCode) ? apiCode : error.code;
  const where = typeof field === 'string' && /^\S+$/.test(field) ? field : '-';
  return `ERROR ${code} ${where}: ${oneLine(error.message)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
