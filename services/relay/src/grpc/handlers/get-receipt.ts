/** GetReceipt: the receipt of an accepted tx-file, NOT_FOUND if this relay never acknowledged it. */
import { status } from '@grpc/grpc-js';
import { RequestError } from '@anchorpost/service-kit';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import { grpcError } from '../grpc-error.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { receiptMessage } from '../relay-messages.ts';

export function getReceiptHandler({ relay, serve, failed }: GrpcCalls): RelayServiceHandlers['GetReceipt'] {
  return (call, callback) => {
    serve('GetReceipt', call.metadata, async () => {
      const { cid } = call.request;
      try {
        const receipt = await relay.getReceipt(cid);
        if (receipt === null) {
          const answer = grpcError(new RequestError('NOT_FOUND', `no receipt for ${cid}`, 'cid'));
          callback(answer);
          return answer.code;
        }
        callback(null, { receipt: receiptMessage(receipt) });
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  };
}
