import { AnchorpostError } from '@anchorpost/protocol';

/** A bus record that does not decode as its topic's event: never retryable, so it dead-letters. */
export class EventDecodeError extends AnchorpostError<'BAD_EVENT'> {
  override readonly name = 'EventDecodeError';
  readonly topic: string;
  constructor(topic: string, message: string) {
    super('BAD_EVENT', 'invalid', `${topic}: ${message}`, false);
    this.topic = topic;
  }
}
