/**
 * StoreKeyFile: one public key file stored (HTTP's `POST /v1/key-files`, the same KeyFiles: scope
 * `submit`, the tenant's quotas, the 16 KiB bound, only key files). UNIMPLEMENTED on a server
 * built without key files.
 */
import { status } from '@grpc/grpc-js';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { okTrailers } from '../grpc-error.ts';
import { checkTenantId } from '../../request-fields.ts';

export function storeKeyFileHandler({
  keyFiles,
  authenticate,
  serve,
  failed,
}: GrpcCalls): RelayServiceHandlers['StoreKeyFile'] {
  return (call, callback) => {
    serve('StoreKeyFile', call.metadata, async () => {
      if (keyFiles === undefined) {
        callback({ code: status.UNIMPLEMENTED, details: 'this server stores no key files' });
        return status.UNIMPLEMENTED;
      }
      try {
        checkTenantId(call.request.tenantId, 'tenant_id');
        const { tenantId } = await authenticate(call.metadata, 'submit', call.request.tenantId);
        callback(null, await keyFiles.store(call.request.keyFile, tenantId), okTrailers());
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  };
}
