/**
 * The ledger's audit on anvil (PGlite, the service in process, no relay): a sponsorship the service
 * sent and settled is accounted for; a forwarded call the sponsor's account paid for outside the
 * service (a leaked key, a second sender) is flagged `RECEIPT_WITHOUT_CHARGE`, found from the
 * forwarder's `ExecutedForwardRequest` events; a charge whose transaction the chain never saw is
 * flagged `RECEIPT_MISSING`. Both show in `anchorpost_sponsor_ledger_mismatches{code}`; the
 * tenant's reconciliation (`GET /v1/ledger/reconciliation`) shows the receipt without a charge of
 * its own account, and not the shared account's (which can be anyone's).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import { forwarderCalls } from '@anchorpost/sponsor-core';
import { sponsorLedgerConfigSchema } from '../src/ledger/sponsor-ledger-config.ts';
import { startSponsorStage } from '../src/testing.ts';
import type { SponsorStage } from '../src/testing.ts';
import { forwardRequestBody } from './forward-request-body.ts';

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

    before(async () => {
      stage = await startSponsorStage({
        service: {
          ledger: {
            config: loadConfig(sponsorLedgerConfigSchema, {
              ANCHORPOST_SPONSOR_LEDGER_AUDIT_INTERVAL: '200ms',
            }),
          },
          tenantSigners: new Map([['acme', acmeAccount]]),
          logger: createLogger('sponsor', { level: 'silent' }),
        },
      });
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
        data: {
          digest: `0x${'cd'.repeat(32)}`,
          tenant: 'acme',
          user: Wallet.createRandom().address,
          kind: 'forward',
          to: stage.chain.deployment.forwarder,
          data: '0x',
          gasLimit: '100000',
          maxFeePerGas: '1',
          reservedWei: '100000',
          chargedWei: '21000',
          state: 'settled',
          deadline: 0n,
          periodStart: 0n,
          acceptedAt: 0n,
          txHash: unpaid,
          succeeded: true,
        },
      });
      await until('the charge flagged', async () => (await mismatchGauge())['RECEIPT_MISSING'] === 1);
      const acme = (await (await http('/v1/ledger/reconciliation')).json()) as Reconciliation;
      assert.deepEqual(
        acme.mismatches.filter((m) => m.code === 'RECEIPT_MISSING').map((m) => m.digest),
        [`0x${'cd'.repeat(32)}`],
      );
    });
  },
);
