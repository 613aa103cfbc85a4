/** SubmitTxFile: one tx-file in, its signed receipt out. */
import { status } from '@grpc/grpc-js';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { okTrailers } from '../grpc-error.ts';
import { checkTenantId } from '../../request-fields.ts';
import { receiptMessage } from '../relay-messages.ts';

export function submitTxFileHandler({
  relay,
  authenticate,
  serve,
  failed,
}: GrpcCalls): RelayServiceHandlers['SubmitTxFile'] {
  return (call, callback) => {
    serve('SubmitTxFile', call.metadata, async (requestId) => {
      try {
        checkTenantId(call.request.tenantId, 'tenant_id');
        const { tenantId } = await authenticate(call.metadata, 'submit', call.request.tenantId);
        const { receipt, duplicate } = await relay.submit(call.request.txFile, { tenantId, requestId });
        callback(null, { receipt: receiptMessage(receipt), duplicate }, okTrailers());
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  };
}
