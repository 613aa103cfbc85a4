/** SubmitTxFile: one tx-file in, its signed receipt out. */
import { status } from '@grpc/grpc-js';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { receiptMessage } from '../relay-messages.ts';

export function submitTxFileHandler({
  relay,
  serve,
  failed,
}: GrpcCalls): RelayServiceHandlers['SubmitTxFile'] {
  return (call, callback) => {
    serve('SubmitTxFile', call.metadata, async (requestId) => {
      const { tenantId, txFile } = call.request;
      try {
        const { receipt, duplicate } = await relay.submit(txFile, { tenantId, requestId });
        callback(null, { receipt: receiptMessage(receipt), duplicate });
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  };
}
