/**
 * What a subscription transport (SSE, gRPC) does per stream for quotas and usage: take one of the
 * tenant's stream slots before the stream opens (TOO_MANY_STREAMS otherwise), count the stream and
 * each delivery as the tenant's usage, and give the slot back when the stream ends.
 */
import type { StreamSlots, UsageMeter } from '@anchorpost/relay-core';

export interface TenantStream {
  /** One file written to the subscriber. */
  delivered(): void;
  /** The stream ended: its slot is free again (idempotent; never throws). */
  close(): Promise<void>;
}

export type OpenTenantStream = (tenantId: string) => Promise<TenantStream>;

export function tenantStreams(
  slots: Pick<StreamSlots, 'open'>,
  meter: Pick<UsageMeter, 'count'>,
  onReleaseError: (error: unknown) => void,
): OpenTenantStream {
  return async (tenantId) => {
    const slot = await slots.open(tenantId);
    meter.count(tenantId, { streams: 1 });
    return {
      delivered: () => {
        meter.count(tenantId, { deliveries: 1 });
      },
      // An unreleased lease expires by itself: a failure here only holds the slot a while longer.
      close: () => slot.release().catch(onReleaseError),
    };
  };
}
