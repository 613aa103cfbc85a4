/**
 * The SDK tests' stage: the proofs package's fixture (anvil with the anchor contract, an embedded
 * index with anchored batches) behind a real proof API service, as the CLI's proof tests use it.
 */
import { startProofApiService, proofApiConfigSchema } from '@anchorpost/proof-api-service';
import { startProofFixture } from '@anchorpost/proofs/testing';
import type { FixtureBatch, ProofFixture } from '@anchorpost/proofs/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';

export interface ProofStage {
  readonly fixture: ProofFixture;
  /** The proof API's base URL. */
  readonly api: string;
  /** Four anchored tx-files, two confirmations deep. */
  readonly anchored: FixtureBatch;
  /** Two tx-files sealed but not anchored (the proof API answers 202). */
  readonly sealed: FixtureBatch;
  close(): Promise<void>;
}

export async function startProofStage(): Promise<ProofStage> {
  const fixture = await startProofFixture();
  const anchored = await fixture.anchoredBatch(4);
  await fixture.chain.mine(2);
  const sealed = await fixture.sealBatch(2);
  const service = await startProofApiService({
    config: loadConfig(proofApiConfigSchema, {
      ANCHORPOST_EVM_ANCHOR_CONTRACT: fixture.chain.contractAddress,
      ANCHORPOST_EVM_ANCHOR_SUBMITTERS: fixture.chain.owner.address,
    }),
    database: fixture.database,
    evm: { rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId) },
    logger: createLogger('proof-api', { destination: { write: () => undefined } }),
    port: 0,
    managementPort: 0,
    handleSignals: false,
  });
  return {
    fixture,
    api: service.urls.http!,
    anchored,
    sealed,
    close: async () => {
      await service.close();
      await fixture.close();
    },
  };
}
