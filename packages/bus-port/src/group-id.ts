import { BusError, BusErrorCode } from './bus-error.ts';

/** Group ids become file names in the embedded adapter, so both adapters accept only this shape. */
const GROUP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function assertGroupId(groupId: unknown): asserts groupId is string {
  if (typeof groupId !== 'string' || !GROUP_ID.test(groupId)) {
    const shown = typeof groupId === 'string' ? JSON.stringify(groupId) : typeof groupId;
    throw new BusError(
      BusErrorCode.InvalidArgument,
      `invalid consumer group id ${shown}: expected letters, digits, '.', '_' or '-' (pattern ${GROUP_ID.source})`,
    );
  }
}
