/**
 * The ledger's audit on anvil (PGlite, the service in process, no relay): a sponsorship the service
 * sent and settled — a forwarded request, a gasless Governor ballot — is accounted for; a
 * transaction the sponsor's account sent outside the service (a leaked key, a second sender: a
 * forwarded call, a plain transfer by hand) is flagged `RECEIPT_WITHOUT_CHARGE`, found in the
 * blocks' transactions sent from the sponsor accounts; a charge whose transaction the chain never
 * saw is flagged `RECEIPT_MISSING`. Both show in `anchorpost_sponsor_ledger_mismatches{code}`; the
 * tenant's reconciliation (`GET /v1/ledger/reconciliation`) shows the receipt without a charge of
 * its own account, and not the shared account's (which can be anyone's).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Interface, keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { JsonRpcPool } from '@anchorpost/chains';
import { deployReleaseGovernance, ReleaseGovernanceClient } from '@anchorpost/release-governance';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import { BALLOT_TYPES, forwarderCalls, governorDomain } from '@anchorpost/sponsor-core';
import type { TenantPolicy } from '@anchorpost/sponsor-core';
import { sponsorLedgerConfigSchema } from '../src/ledger/sponsor-ledger-config.ts';
import { keyRegistryPolicy, startSponsorStage } from '../src/testing.ts';
import type { SponsorStage } from '../src/testing.ts';
import { forwardRequestBody } from './forward-request-body.ts';
import { fixtureSettledSponsorship } from '@anchorpost/db/testing';

interface Reconciliation {
  mismatches: { code: string; digest?: string; txHash?: string }[];
}

describe(
  'the ledger audit: receipts without a charge and charges without a receipt',
  { timeout: 180_000 },
  () => {
    let stage: SponsorStage;
    /** acme's own sponsor account (anvil's development key 4, funded): what it pays is acme's. */
    const acmeAccount = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');

    /** acme's policy (the key registry, then the Governor's castVoteBySig) and the Governors known. */
    const policies = new Map<string, TenantPolicy>();
    const governors = new Map<string, { name: string; version: string }>();
    const governorCalls = new Interface([
      'function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns (uint256)',
      'function nonces(address owner) view returns (uint256)',
    ]);
    let governance: { governor: string; proposalId: string; voter: Wallet };

    /** The release governance on the stage's chain, a proposal open for votes, acme allowed to sponsor ballots. */
    async function openBallot() {
      const { anvil } = stage.chain;
      const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
      const [voter, second, third] = [6, 7, 8].map((i) => new Wallet(anvil.privateKeys[i]!));
      const deployment = await deployReleaseGovernance(rpc, new Wallet(anvil.privateKeys[9]!), {
        tokenName: 'Anchorpost Release Votes (test)',
        tokenSymbol: 'APRV',
        holders: [voter!, second!, third!].map((w, i) => ({
          address: w.address,
          amount: BigInt(40 - i * 5) * 10n ** 18n,
        })),
        votingDelay: 1,
        votingPeriod: 3600,
        proposalThreshold: 0n,
        quorumPercent: 20,
        reviewWindow: 86_400,
        guardian: second!.address,
        maxPauseSeconds: 86_400,
      });
      const client = new ReleaseGovernanceClient({
        rpc,
        governor: deployment.governor,
        registry: deployment.registry,
      });
      const { proposalId } = await client.propose(second!, {
        manifestSha256: 'ab'.repeat(32),
        manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
        version: 1n,
        rollback: false,
      });
      await rpc.request('evm_increaseTime', [5]);
      await mine(2);
      governors.set(deployment.governor, { name: 'Anchorpost releases', version: '1' });
      const base = policies.get('acme')!;
      const allow = new Map(base.allow);
      allow.set(deployment.governor, new Set([governorCalls.getFunction('castVoteBySig')!.selector]));
      policies.set('acme', { ...base, allow });
      governance = { governor: deployment.governor, proposalId, voter: voter! };
    }

    async function ballotBody() {
      const { governor, proposalId, voter } = governance;
      const nonce = governorCalls.decodeFunctionResult(
        'nonces',
        await stage.chain.rpc.request<string>('eth_call', [
          { to: governor, data: governorCalls.encodeFunctionData('nonces', [voter.address]) },
          'latest',
        ]),
      )[0] as bigint;
      const { name, version } = governors.get(governor)!;
      const signature = await voter.signTypedData(
        governorDomain(stage.chain.deployment.chainId, governor, name, version),
        BALLOT_TYPES,
        { proposalId: BigInt(proposalId), support: 1, voter: voter.address, nonce },
      );
      return {
        kind: 'ballot',
        governor,
        ballot: { proposalId, support: '1', voter: voter.address, nonce: nonce.toString(), signature },
      };
    }

    before(async () => {
      // A tenant known at start (the audit reconciles those): its policy is set once the chain is up.
      policies.set('acme', {
        tenant: 'acme',
        allow: new Map(),
        maxGas: 0n,
        periodSeconds: 1,
        tenantBudget: { wei: 0n, count: 0 },
        userBudget: { wei: 0n, count: 0 },
        minDeadlineSeconds: 0,
      });
      stage = await startSponsorStage({
        service: {
          policies: { policies, governors, accountKeyFiles: new Map() },
          ledger: {
            config: loadConfig(sponsorLedgerConfigSchema, {
              ANCHORPOST_SPONSOR_LEDGER_AUDIT_INTERVAL: '200ms',
            }),
          },
          tenantSigners: new Map([['acme', acmeAccount]]),
          logger: createLogger('sponsor', { level: 'silent' }),
        },
      });
      policies.set('acme', keyRegistryPolicy(stage.chain));
      await openBallot();
    });
    after(() => stage.close());

    const http = (path: string, payload?: unknown) =>
      fetch(`${stage.service.urls['http']}${path}`, {
        method: payload === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${stage.apiKey}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });

    async function mismatchGauge(): Promise<Record<string, number>> {
      const text = await (await fetch(`${stage.service.urls['management']}/metrics`)).text();
      return Object.fromEntries(
        [...text.matchAll(/^anchorpost_sponsor_ledger_mismatches\{code="([A-Z_]+)"\} (\d+)$/gm)].map((m) => [
          m[1]!,
          Number(m[2]),
        ]),
      );
    }

    async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
      for (let i = 0; i < 300; i++) {
        if (await probe()) return;
        await sleep(200);
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    /** A user's signed `register` through the forwarder. */
    async function registerBody() {
      const user = stage.chain.newUser();
      const args = [
        keccak256(toUtf8Bytes(user.address)),
        'ed25519',
        'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
        user.address,
      ];
      return forwardRequestBody(
        stage.chain,
        user,
        'register',
        args,
        (await stage.chain.latestTimestamp()) + 600n,
      );
    }

    /** `account` executes a user's signed request itself, past the service: its hash. */
    async function rogueExecute(account: Wallet): Promise<string> {
      const { request } = (await registerBody()) as { request: Record<string, string> };
      const { chain } = stage;
      const nonce = await chain.rpc.request<string>('eth_getTransactionCount', [account.address, 'pending']);
      const signed = await account.signTransaction({
        to: chain.deployment.forwarder,
        data: forwarderCalls.encodeFunctionData('execute', [request]),
        gasLimit: 300_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 10n ** 9n,
        chainId: chain.deployment.chainId,
        nonce: Number(nonce),
        type: 2,
      });
      return (await chain.rpc.request<string>('eth_sendRawTransaction', [signed])).toLowerCase();
    }

    const mine = (blocks: number) => stage.chain.rpc.request('anvil_mine', [`0x${blocks.toString(16)}`]);

    it('accounts for what the service sent, and flags a call the sponsor account paid for outside it', async () => {
      const accepted = await http('/v1/sponsorships', await registerBody());
      assert.equal(accepted.status, 201);
      const { digest } = ((await accepted.json()) as { sponsorship: { digest: string } }).sponsorship;
      await until('the sponsorship settled', async () => {
        const row = await stage.database.prisma.sponsorship.findUnique({ where: { digest } });
        return row?.state === 'settled';
      });
      await mine(5);
      await until('an audit after it', async () => (await mismatchGauge())['RECEIPT_WITHOUT_CHARGE'] === 0);
      assert.equal((await mismatchGauge())['RECEIPT_MISSING'], 0, 'its receipt is there');

      // acme's key used by another sender: a user's request executed and paid, no sponsorship.
      const own = await rogueExecute(acmeAccount);
      await mine(5);
      await until(
        'the rogue call flagged',
        async () => (await mismatchGauge())['RECEIPT_WITHOUT_CHARGE'] === 1,
      );
      const flagged = ((await (await http('/v1/ledger/reconciliation')).json()) as Reconciliation).mismatches;
      assert.deepEqual(
        flagged.filter((m) => m.code === 'RECEIPT_WITHOUT_CHARGE').map((m) => m.txHash),
        [own],
      );

      // The same from the shared account: in the metric, in no tenant's reconciliation.
      await rogueExecute(stage.chain.sponsor);
      await mine(5);
      await until(
        'the shared one flagged',
        async () => (await mismatchGauge())['RECEIPT_WITHOUT_CHARGE'] === 2,
      );
      const again = ((await (await http('/v1/ledger/reconciliation')).json()) as Reconciliation).mismatches;
      assert.deepEqual(
        again.filter((m) => m.code === 'RECEIPT_WITHOUT_CHARGE').map((m) => m.txHash),
        [own],
      );
    });

    it('flags a charge whose transaction has no receipt', async () => {
      const unpaid = `0x${'ab'.repeat(32)}`;
      await stage.database.prisma.sponsorship.create({
        data: fixtureSettledSponsorship({
          digest: `0x${'cd'.repeat(32)}`,
          user: Wallet.createRandom().address,
          kind: 'forward',
          to: stage.chain.deployment.forwarder,
          txHash: unpaid,
        }),
      });
      await until('the charge flagged', async () => (await mismatchGauge())['RECEIPT_MISSING'] === 1);
      const acme = (await (await http('/v1/ledger/reconciliation')).json()) as Reconciliation;
      assert.deepEqual(
        acme.mismatches.filter((m) => m.code === 'RECEIPT_MISSING').map((m) => m.digest),
        [`0x${'cd'.repeat(32)}`],
      );
    });
    it('accounts for a gasless ballot the service sent, and flags a transfer made by hand with the sponsor key', async () => {
      const before = (await mismatchGauge())['RECEIPT_WITHOUT_CHARGE']!;
      const accepted = await http('/v1/sponsorships', await ballotBody());
      assert.equal(accepted.status, 201, await accepted.clone().text());
      const { digest } = ((await accepted.json()) as { sponsorship: { digest: string } }).sponsorship;
      let ballotTx = '';
      await until('the ballot settled', async () => {
        const row = await stage.database.prisma.sponsorship.findUnique({ where: { digest } });
        ballotTx = row?.txHash ?? '';
        return row?.state === 'settled';
      });
      const sent = await stage.chain.rpc.request<{ from: string }>('eth_getTransactionByHash', [ballotTx]);
      assert.equal(
        sent.from.toLowerCase(),
        acmeAccount.address.toLowerCase(),
        "sent from acme's own account",
      );

      // A plain transfer from acme's key, by hand: no forwarder, no governor, no sponsorship.
      const nonce = await stage.chain.rpc.request<string>('eth_getTransactionCount', [
        acmeAccount.address,
        'pending',
      ]);
      const signed = await acmeAccount.signTransaction({
        to: Wallet.createRandom().address,
        value: 10n ** 15n,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 10n ** 9n,
        chainId: stage.chain.deployment.chainId,
        nonce: Number(nonce),
        type: 2,
      });
      const byHand = (
        await stage.chain.rpc.request<string>('eth_sendRawTransaction', [signed])
      ).toLowerCase();
      await mine(5);
      await until(
        'the transfer flagged',
        async () => (await mismatchGauge())['RECEIPT_WITHOUT_CHARGE'] === before + 1,
      );
      const flagged = ((await (await http('/v1/ledger/reconciliation')).json()) as Reconciliation).mismatches
        .filter((m) => m.code === 'RECEIPT_WITHOUT_CHARGE')
        .map((m) => m.txHash);
      assert.ok(flagged.includes(byHand), 'the transfer by hand is flagged');
      assert.ok(!flagged.includes(ballotTx.toLowerCase()), 'the ballot is not');
    });
  },
);
