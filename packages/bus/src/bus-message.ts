import { BusError, BusErrorCode } from '@anchorpost/bus-port';
import type { BusMessage } from '@anchorpost/bus-port';

/** Checks what TypeScript cannot promise at run time (callers may be plain JavaScript or decoded JSON). */
export function assertBusMessage(message: BusMessage, index: number): void {
  const where = `message ${index}`;
  if (typeof message !== 'object' || (message as unknown) === null) {
    throw new BusError(BusErrorCode.InvalidArgument, `${where} is not an object`);
  }
  if (typeof message.key !== 'string') {
    throw new BusError(
      BusErrorCode.InvalidArgument,
      `${where}: key must be a string (it picks the partition)`,
    );
  }
  if (!(message.value instanceof Uint8Array)) {
    throw new BusError(BusErrorCode.InvalidArgument, `${where}: value must be a Uint8Array`);
  }
  const headers = message.headers;
  if (headers === undefined) return;
  if (typeof headers !== 'object' || (headers as unknown) === null || Array.isArray(headers)) {
    throw new BusError(BusErrorCode.InvalidArgument, `${where}: headers must be an object of strings`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (name === '' || typeof value !== 'string') {
      throw new BusError(
        BusErrorCode.InvalidArgument,
        `${where}: header ${JSON.stringify(name)} must be a non-empty name with a string value`,
      );
    }
  }
}
