/**
 * Whether a ledger line is anchored, decided by its proof and not by the relay having taken it:
 * the tx-file's proof fetched from the proof API (the document only, never a verdict) and verified
 * by @anchorpost/proofs against the operator's trust roots and the chains' own nodes — the check
 * `anchorpost verify --trust` makes. The proof must be of the line's own CID. A proof missing,
 * unreadable, of another file or failing any check: not anchored, with the reason's code (a
 * ProofError's, or PROOF_NOT_FOUND, PROOF_OF_ANOTHER_FILE, PROOF_API_UNAVAILABLE). It keeps
 * nothing: a line found anchored is marked proven on its ledger row (proven-records.ts), so the
 * periodic audit asks the proof API about the other lines only, across restarts too.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '@anchorpost/service-kit';
import { isProofError, parseTrustRoots, parseTxFileProof, verifyProof } from '@anchorpost/proofs/verify';
import type { TrustRoots } from '@anchorpost/proofs/verify';
import { sponsorLedgerConfigSchema, type SponsorLedgerConfig } from './sponsor-ledger-config.ts';

export type LineAnchoring =
  { readonly anchored: true } | { readonly anchored: false; readonly code: string; readonly detail: string };

export interface LedgerProofsOptions {
  /** The proof API's base URL. */
  readonly proofApiUrl: string;
  /** The anchors accepted (TrustRoots v1, as `anchorpost verify --trust` reads them). */
  readonly trust: unknown;
  /** The EVM chain's RPC, by chain id. */
  readonly evm: { readonly chainId: number; readonly rpcUrl: string };
  /** The Ergo node the Ergo anchors are checked on, for every network the trust roots name. */
  readonly ergoNodeUrl?: string | undefined;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

const notAnchored = (code: string, detail: string): LineAnchoring => ({ anchored: false, code, detail });

export class LedgerProofs {
  readonly #options: LedgerProofsOptions;
  readonly #trust: TrustRoots;

  constructor(options: LedgerProofsOptions) {
    this.#options = options;
    this.#trust = parseTrustRoots(options.trust);
  }

  async anchoring(cid: string): Promise<LineAnchoring> {
    const { proofApiUrl, evm, ergoNodeUrl } = this.#options;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(
        new URL(`v1/proofs/${encodeURIComponent(cid)}`, `${proofApiUrl.replace(/\/$/, '')}/`),
        {
          signal: AbortSignal.timeout(timeoutMs),
        },
      );
    } catch (error) {
      return notAnchored('PROOF_API_UNAVAILABLE', (error as Error).message);
    }
    if (response.status === 404) {
      return notAnchored('PROOF_NOT_FOUND', 'the proof API has no proof of this tx-file (not anchored yet)');
    }
    if (!response.ok)
      return notAnchored('PROOF_API_UNAVAILABLE', `the proof API answered HTTP ${response.status}`);
    try {
      const proof = parseTxFileProof(await response.json());
      if (proof.txFile !== cid) {
        return notAnchored('PROOF_OF_ANOTHER_FILE', `the proof is of ${proof.txFile}`);
      }
      await verifyProof(proof, {
        trust: this.#trust,
        evmRpcUrls: { [String(evm.chainId)]: evm.rpcUrl },
        ...(ergoNodeUrl === undefined || ergoNodeUrl === ''
          ? {}
          : {
              ergoNodeUrls: Object.fromEntries(this.#trust.ergo.map((root) => [root.network, ergoNodeUrl])),
            }),
        // Anchored or not is the question; when the line was sent is not.
        acceptNoLowerBound: true,
        rpcTimeoutMs: timeoutMs,
      });
      return { anchored: true };
    } catch (error) {
      if (isProofError(error)) return notAnchored(error.code, error.message);
      if (error instanceof SyntaxError) return notAnchored('PROOF_UNREADABLE', error.message);
      throw error;
    }
  }
}

/** From the ledger's settings: undefined without a proof API; a bad or missing trust file is a ConfigError. */
export function ledgerProofsFromConfig(
  config: Pick<SponsorLedgerConfig, 'proofApiUrl' | 'trustFile' | 'ergoNodeUrl'>,
  evm: { readonly chainId: number; readonly rpcUrl: string },
): LedgerProofs | undefined {
  if (config.proofApiUrl === '') return undefined;
  const setting = sponsorLedgerConfigSchema.trustFile.env;
  if (config.trustFile === '') {
    throw new ConfigError(setting, `required with ${sponsorLedgerConfigSchema.proofApiUrl.env}`);
  }
  try {
    return new LedgerProofs({
      proofApiUrl: config.proofApiUrl,
      trust: JSON.parse(readFileSync(config.trustFile, 'utf8')) as unknown,
      evm,
      ergoNodeUrl: config.ergoNodeUrl,
    });
  } catch (error) {
    throw new ConfigError(setting, `unreadable trust roots: ${(error as Error).message}`);
  }
}
