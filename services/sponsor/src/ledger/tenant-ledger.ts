/**
 * A tenant's ledger as its invoice and its reconciliation: every record in ledger order with the
 * CID of the tx-file that carries it (what `anchorpost verify` checks an inclusion proof of), and
 * `reconcileLedger` of @anchorpost/sponsor-core over the records the relay has taken (each opened
 * from its tx-file with the ledger's group key), the chain's receipts and the store's charges.
 * Records not taken by the relay yet are counted as `unsent`. Which of the records at the relay
 * are anchored is their proofs' to say (ledger-proofs.ts: the proof API's proof, verified against
 * the trust roots; proven-records.ts: asked once, then kept on the row), never the relay's: the
 * others are listed as `unanchored`, with the reason. The
 * forwarded calls the tenant's own account paid for without a charge are `RECEIPT_WITHOUT_CHARGE`.
 */
import { cidForBytes, openTxFile, parseTxFile } from '@anchorpost/protocol';
import type { JsonRpcPool } from '@anchorpost/chains';
import type { OutboxRelay } from '@anchorpost/relay-core';
import { reconcileLedger } from '@anchorpost/sponsor-core';
import type { ChainReceipt, LedgerReconciliation } from '@anchorpost/sponsor-core';
import { SPONSOR_LEDGER_HEADER } from './ledger-anchoring.ts';
import type { PostgresSponsorLedger } from './postgres-sponsor-ledger.ts';
import type { LedgerProofs } from './ledger-proofs.ts';
import { unanchoredRecords, type UnanchoredRecord } from './proven-records.ts';
import type { ReceiptAudit } from './receipt-audit.ts';

export interface InvoiceRecord {
  readonly seq: number;
  readonly kind: 'line' | 'void';
  readonly digest: string;
  readonly txHash: string;
  /** The tx-file's CID once built; null while the record waits for its file. */
  readonly cid: string | null;
  /** Whether the relay has taken the tx-file. */
  readonly submitted: boolean;
  /** The record itself (ledger-line.ts or ledger-void.ts), as the JSON in the tx-file. */
  readonly record: unknown;
}

export interface TenantLedgerOptions {
  readonly ledger: PostgresSponsorLedger;
  /** The ledger's tx-file author (its group opens the files); undefined: nothing is anchored. */
  readonly author: OutboxRelay['author'] | undefined;
  readonly rpc: Pick<JsonRpcPool, 'request'>;
  /** The receipts without a charge of the tenant's own account (receipt-audit.ts); undefined: none audited. */
  readonly receipts?: Pick<ReceiptAudit, 'forTenant'>;
  /** Where a record's anchoring is checked (its proof); undefined: none is checked, none is anchored. */
  readonly proofs?: Pick<LedgerProofs, 'anchoring'> | undefined;
}

export type TenantReconciliation = LedgerReconciliation & {
  readonly unsent: number;
  /** Records at the relay whose proof verifies. */
  readonly anchored: number;
  readonly unanchored: readonly UnanchoredRecord[];
};

interface RpcReceipt {
  readonly from: string;
  readonly gasUsed: string;
  readonly effectiveGasPrice: string;
}

export class TenantLedger {
  readonly #options: TenantLedgerOptions;

  constructor(options: TenantLedgerOptions) {
    this.#options = options;
  }

  async invoice(tenant: string): Promise<readonly InvoiceRecord[]> {
    return (await this.#options.ledger.ledger(tenant)).map((row) => ({
      seq: row.seq,
      kind: row.kind,
      digest: row.digest,
      txHash: row.txHash,
      cid: row.cid,
      submitted: row.submitted,
      record: JSON.parse(new TextDecoder().decode(row.record)) as unknown,
    }));
  }

  async reconcile(tenant: string): Promise<TenantReconciliation> {
    const { ledger, author, rpc } = this.#options;
    const records = await ledger.ledger(tenant);
    const atRelay = records.filter((row) => row.submitted && row.txFile !== null && row.cid !== null);
    const result = await reconcileLedger({
      lines: atRelay.map((row) => ({ cid: row.cid!, bytes: row.txFile! })),
      sponsorships: await ledger.settledSponsorships(tenant),
      cidOf: (bytes) => cidForBytes(bytes),
      recordOf: (bytes) => Promise.resolve(recordIn(bytes, author)),
      receiptOf: async (txHash) => {
        const receipt = await rpc.request<RpcReceipt | null>('eth_getTransactionReceipt', [txHash]);
        return receipt === null ? null : chainReceipt(receipt);
      },
    });
    const uncharged = (await this.#options.receipts?.forTenant(tenant)) ?? [];
    const unanchored = await unanchoredRecords(
      atRelay.map((row) => ({ ...row, cid: row.cid! })),
      { ledger, proofs: this.#options.proofs },
    );
    return {
      ...result,
      mismatches: [...result.mismatches, ...uncharged],
      unsent: records.length - atRelay.length,
      anchored: atRelay.length - unanchored.length,
      unanchored,
    };
  }
}

function chainReceipt(receipt: RpcReceipt): ChainReceipt {
  return {
    from: receipt.from,
    gasUsed: BigInt(receipt.gasUsed),
    effectiveGasPrice: BigInt(receipt.effectiveGasPrice),
  };
}

function recordIn(bytes: Uint8Array, author: OutboxRelay['author'] | undefined): Uint8Array {
  if (author === undefined) throw new Error('no ledger group configured to open the tx-file');
  const opened = openTxFile(parseTxFile(bytes), {
    group: author.group,
    clientKey: () => author.client.public,
  });
  if (!opened.client.verified) throw new Error("the tx-file is not signed by the ledger's client key");
  const header = new TextDecoder().decode(opened.message.header ?? new Uint8Array());
  if (header !== SPONSOR_LEDGER_HEADER)
    throw new Error(`the tx-file's header is ${header}, no ledger record`);
  return opened.message.data;
}
