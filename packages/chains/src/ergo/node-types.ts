/**
 * The Ergo node REST API's JSON, as far as Anchorpost reads it (field names as the node writes
 * them; see the real responses in shared/fixtures/ergo). Amounts come from parseErgoJson: a number
 * when it is a safe integer, a bigint above 2^53.
 */

export type ErgoAmount = number | bigint;

export interface ErgoNodeInfo {
  readonly name?: string;
  readonly appVersion?: string;
  readonly network?: string;
  readonly fullHeight: number | null;
  readonly headersHeight?: number | null;
  readonly bestFullHeaderId: string | null;
  readonly parameters?: Readonly<Record<string, number>>;
  readonly currentTime?: number;
}

export interface ErgoHeader {
  readonly id: string;
  readonly parentId: string;
  readonly height: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly version: number;
  readonly [field: string]: unknown;
}

export interface ErgoAsset {
  readonly tokenId: string;
  readonly amount: ErgoAmount;
}

/** An output box (`/utxo/byId`, block and transaction outputs). */
export interface ErgoBoxJson {
  readonly boxId: string;
  readonly value: ErgoAmount;
  readonly ergoTree: string;
  readonly creationHeight: number;
  readonly assets: readonly ErgoAsset[];
  /** Register id (R4..R9) → serialized constant, hex. */
  readonly additionalRegisters: Readonly<Record<string, string>>;
  readonly transactionId: string;
  readonly index: number;
}

/** A box of the node's extra index (`/blockchain/box/...`). */
export interface ErgoIndexedBox extends ErgoBoxJson {
  readonly blockId?: string;
  readonly inclusionHeight: number;
  readonly globalIndex: number;
  readonly spentTransactionId: string | null;
  readonly address?: string;
}

export interface ErgoInputJson {
  readonly boxId: string;
  readonly spendingProof?: {
    readonly proofBytes: string;
    readonly extension: Readonly<Record<string, string>>;
  };
}

export interface ErgoTransactionJson {
  readonly id: string;
  readonly inputs: readonly ErgoInputJson[];
  readonly dataInputs: readonly { readonly boxId: string }[];
  readonly outputs: readonly ErgoBoxJson[];
  readonly size?: number;
}

/** A confirmed transaction of the extra index (`/blockchain/transaction/byId`). */
export interface ErgoIndexedTransaction extends ErgoTransactionJson {
  readonly blockId: string;
  readonly inclusionHeight: number;
  readonly timestamp: number;
  readonly index: number;
  readonly numConfirmations: number;
}

export interface ErgoBlockJson {
  readonly header: ErgoHeader;
  readonly blockTransactions: {
    readonly headerId: string;
    readonly transactions: readonly ErgoTransactionJson[];
  };
}

export interface ErgoItems<T> {
  readonly items: readonly T[];
  readonly total: number;
}
