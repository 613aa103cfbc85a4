/**
 * The anchorer's keys sign only while this replica leads (ADR 0013). The tick loops stop when a
 * term ends, but a tick already running finishes; behind these wrappers it cannot sign another
 * transaction, so a replica that is not the leader never submits one. The refusal is a
 * retryable ChainError that ends the tick before anything is stored.
 */
import { ChainError, ChainErrorCode } from '@anchorpost/chains';
import type { ErgoWallet, TransactionSigner } from '@anchorpost/chains';

function notLeading(): ChainError {
  return new ChainError(
    ChainErrorCode.Unavailable,
    'not the leader: this replica stands by and signs nothing',
  );
}

export function signerWhileLeading(signer: TransactionSigner, leads: () => boolean): TransactionSigner {
  return {
    getAddress: () => signer.getAddress(),
    signTransaction: (transaction) =>
      leads() ? signer.signTransaction(transaction) : Promise.reject(notLeading()),
  };
}

export function ergoWalletWhileLeading(wallet: ErgoWallet, leads: () => boolean): ErgoWallet {
  return new Proxy(wallet, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property !== 'sign') return method.bind(target);
      return (...args: unknown[]) => {
        if (!leads()) throw notLeading();
        return method.apply(target, args);
      };
    },
  });
}
