/** GetReceipt: the receipt of an accepted tx-file, NOT_FOUND if this relay never acknowledged it. */
import { status } from '@grpc/grpc-js';
import { RequestError } from '@anchorpost/service-kit';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import { okTrailers } from '../grpc-error.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { receiptMessage } from '../relay-messages.ts';
import { checkCid } from '../../request-fields.ts';

export function getReceiptHandler({ relay, serve, failed }: GrpcCalls): RelayServiceHandlers['GetReceipt'] {
  return (call, callback) => {
    serve('GetReceipt', call.metadata, async () => {
      const { cid } = call.request;
      try {
        checkCid(cid, 'cid');
        const receipt = await relay.getReceipt(cid);
        if (receipt === null) throw new RequestError('NOT_FOUND', `no receipt for ${cid}`, 'cid');
        callback(null, { receipt: receiptMessage(receipt) }, okTrailers());
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  };
}
