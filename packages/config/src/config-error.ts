import { AnchorpostError } from '@anchorpost/protocol';

/**
 * A setting the process refuses at start-up. Not retryable (the same environment fails the same
 * way) and of kind `internal`: it is the operator's deployment at fault, never a caller.
 */
export class ConfigError extends AnchorpostError<'BAD_CONFIG'> {
  override readonly name = 'ConfigError';
  /** The environment variable at fault. */
  readonly key: string;
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super('BAD_CONFIG', 'internal', `${key}: ${message}`, false, options);
    this.key = key;
  }
}
