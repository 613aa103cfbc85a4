// A tenant's invoice line verified through its inclusion proof, end to end on the whole platform
// in this process (`npm start`'s pieces: relay, batcher, anchorer on anvil, parser, proof API and
// the sponsor, its ledger sent to the platform's relay by default): an account holding 0 ETH
// publishes its key through the sponsor (`anchorpost keys publish`); the settled sponsorship's line
// goes through the relay into a batch-file that is sealed and anchored; `anchorpost sponsor ledger`
// names its tx-file; `anchorpost proof` fetches its proof and `anchorpost verify --trust` (with the
// file's bytes and the ledger's client key) passes, the file opening to the line of exactly what
// the chain charged. Attacks: the line's bytes altered, and the proof presented for another line,
// both fail. The sponsor's reconciliation says the line is anchored because its proof from the proof
// API verifies against the platform's trust roots; a line whose proof is missing, of another file,
// not verifying, or under trust roots that do not name its anchor, is not (against a proof API test
// double serving those).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getAddress, getCreateAddress, Wallet } from 'ethers';
import { startPlatformStage, until, type PlatformStage } from '@anchorpost/platform/testing';
import {
  cidForBytes,
  openGroup,
  openTxFile,
  parsePrivateKeyFile,
  parseTxFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { decodeLedgerLine } from '@anchorpost/sponsor-core';
import { LedgerProofs, SPONSOR_LEDGER_HEADER } from '@anchorpost/sponsor-service';
import { assertFailure, cli } from './cli-process.ts';

/** anvil's second development key: the platform's shared sponsor account, which deploys its contracts. */
const SPONSOR_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

interface LedgerRecord {
  kind: string;
  digest: string;
  txHash: string;
  cid: string | null;
  submitted: boolean;
}

describe('a sponsor ledger line verified through its inclusion proof', { timeout: 300_000 }, () => {
  let stage: PlatformStage;
  let work: string;
  const at = (name: string) => join(work, name);
  // On a fresh chain the sponsor account deploys the forwarder (nonce 0), then the registry (1).
  const keyRegistry = getCreateAddress({ from: new Wallet(SPONSOR_KEY).address, nonce: 1 });
  const sponsorAt = () => ['--sponsor', stage.platform.endpoints['sponsor.http']!, '--api-key', stage.apiKey];
  /** The line's tx-file, once the first test found it anchored. */
  let lineCid: string | undefined;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'anchorpost-ledger-proof-'));
    const register = registry.getFunction('register')!.selector;
    await writeFile(
      at('sponsor-policy.json'),
      JSON.stringify({
        governors: [],
        tenants: {
          app: {
            allow: { [keyRegistry]: [register] },
            maxGas: '500000',
            periodSeconds: 86_400,
            tenantBudget: { wei: '1000000000000000000', count: 100 },
            userBudget: { wei: '100000000000000000', count: 10 },
            minDeadlineSeconds: 30,
          },
        },
      }),
    );
    stage = await startPlatformStage([], {
      ANCHORPOST_PLATFORM_SPONSOR: 'true',
      ANCHORPOST_SPONSOR_POLICY_FILE: at('sponsor-policy.json'),
      ANCHORPOST_SPONSOR_LEDGER_INTERVAL: '300ms',
    });
    const deployed = JSON.parse(await readFile(stage.platform.dirs.sponsorDeployment, 'utf8')) as {
      keyRegistry: string;
    };
    assert.equal(deployed.keyRegistry, keyRegistry, 'the registry the policy names');
  });
  after(async () => {
    await stage.close();
    await rm(work, { recursive: true, force: true });
  });

  it('passes anchorpost verify --trust for the line of a settled sponsorship, and fails a tampered one', async () => {
    const chain = ['--registry', keyRegistry, '--rpc', stage.platform.chain.rpcUrl];
    const account = await cli('keys', 'account', '--out', at('account.key'));
    assert.equal(account.status, 0, account.stderr);
    assert.equal((await cli('keys', 'new', '--out', at('key'))).status, 0);
    const published = await cli(
      ...[
        'keys',
        'publish',
        '--key',
        at('key'),
        ...chain,
        ...sponsorAt(),
        ...['--relay', stage.relay],
        '--account-key',
        at('account.key'),
      ],
    );
    assert.equal(published.status, 0, published.stderr);
    const txHash = published.stdout.trim();

    // The line, through the relay: `sponsor ledger` names its tx-file once the relay took it.
    let line: LedgerRecord | undefined;
    await until('the ledger line at the relay', async () => {
      const listed = await cli('sponsor', 'ledger', ...sponsorAt(), '--json');
      assert.equal(listed.status, 0, listed.stderr);
      line = (JSON.parse(listed.stdout) as LedgerRecord[]).find((r) => r.txHash === txHash && r.submitted);
      return line !== undefined;
    });
    const cid = line!.cid!;
    assert.equal(line!.kind, 'line');

    // Sealed into a batch-file and anchored: the proof API answers its proof.
    const api = stage.api;
    await until('the line anchored', async () => (await fetch(`${api}/v1/proofs/${cid}`)).status === 200);
    const saved = await cli('proof', cid, '--api', api, '--out', at('proof.json'));
    assert.equal(saved.status, 0, saved.stderr);

    // The tx-file's bytes from the relay, and the ledger's client key: the line it carries.
    const bytes = new Uint8Array(await (await fetch(`${stage.relay}/v1/tx-files/${cid}`)).arrayBuffer());
    assert.equal(await cidForBytes(bytes), cid);
    await writeFile(at('line.yaml'), bytes);
    const dirs = stage.platform.dirs;
    const client = parsePrivateKeyFile(JSON.parse(await readFile(dirs.sponsorLedgerIdentity, 'utf8')));
    await writeFile(at('ledger-client.json'), JSON.stringify(toPublicKeyFile(client.public)));
    const group = openGroup(JSON.parse(await readFile(dirs.sponsorLedgerGroup, 'utf8')), client);
    const opened = openTxFile(parseTxFile(bytes), { group, clientKey: () => client.public });
    assert.equal(new TextDecoder().decode(opened.message.header), SPONSOR_LEDGER_HEADER);
    const invoiced = decodeLedgerLine(opened.message.data);
    const receipt = (await (
      await fetch(stage.platform.chain.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_getTransactionReceipt',
          params: [txHash],
        }),
      })
    ).json()) as { result: { gasUsed: string; effectiveGasPrice: string } };
    assert.equal(invoiced.tenant, 'app');
    assert.equal(invoiced.user, getAddress(account.stdout.trim()), 'the user who holds no ETH');
    assert.equal(invoiced.txHash, txHash);
    assert.equal(
      invoiced.chargedWei,
      BigInt(receipt.result.gasUsed) * BigInt(receipt.result.effectiveGasPrice),
    );

    const verify = (proof: string, file: string) =>
      cli(
        ...[
          'verify',
          proof,
          '--trust',
          dirs.trust,
          '--evm-rpc',
          stage.platform.chain.rpcUrl,
          '--no-lower-bound',
        ],
        ...['--tx-file', file, '--client-key', at('ledger-client.json')],
      );
    const verified = await verify(at('proof.json'), at('line.yaml'));
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`^verified tx-file ${cid}\n`));
    assert.match(verified.stdout, /trusted: every anchor is in the trust roots of /);

    // The line altered after it was anchored (one byte of its sealed message): refused.
    const tampered = Uint8Array.from(bytes);
    const at0 = tampered.length - 40;
    tampered[at0] = tampered[at0] === 0x41 ? 0x42 : 0x41;
    await writeFile(at('tampered.yaml'), tampered);
    assertFailure(await verify(at('proof.json'), at('tampered.yaml')), 'TX_FILE_MISMATCH', '--tx-file');

    // The proof presented for another line (its tx-file and the inclusion's leaf swapped): the
    // anchored batch root does not include it.
    const proof = JSON.parse(await readFile(at('proof.json'), 'utf8')) as {
      txFile: string;
      inclusion: { leaf: string };
    };
    const other = await cidForBytes(tampered);
    await writeFile(
      at('swapped.json'),
      JSON.stringify({ ...proof, txFile: other, inclusion: { ...proof.inclusion, leaf: other } }),
    );
    const swapped = await cli(
      ...['verify', at('swapped.json'), '--trust', dirs.trust, '--evm-rpc', stage.platform.chain.rpcUrl],
      '--no-lower-bound',
    );
    assertFailure(swapped, 'BAD_INCLUSION', 'inclusion.root');
    lineCid = cid;
  });

  it('reports a line anchored only when its proof from the proof API verifies against the trust roots', async () => {
    assert.ok(lineCid !== undefined, 'the line of the test before');
    const reconciled = await cli('sponsor', 'reconcile', ...sponsorAt(), '--json');
    assert.equal(reconciled.status, 0, reconciled.stderr);
    const answer = JSON.parse(reconciled.stdout) as {
      lines: number;
      anchored: number;
      unanchored: unknown[];
    };
    assert.deepEqual([answer.lines, answer.anchored, answer.unanchored], [1, 1, []]);

    // A proof API TEST DOUBLE: the real proof, a proof swapped to another file, or none.
    const proof = JSON.parse(await readFile(at('proof.json'), 'utf8')) as Record<string, unknown>;
    const swapped = JSON.parse(await readFile(at('swapped.json'), 'utf8')) as { txFile: string };
    const served = new Map<string, unknown>([
      [lineCid, proof],
      [swapped.txFile, swapped],
      ['bafkreiaskedforanotherfilebutgiventhelinesproofaaaaaaaaaaaaaaa', proof],
    ]);
    const double = createServer((request, response) => {
      const body = served.get(decodeURIComponent(request.url!.replace('/v1/proofs/', '')));
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { error: { code: 'NOT_FOUND' } }));
    });
    await new Promise<void>((resolve) => double.listen(0, '127.0.0.1', resolve));
    try {
      const proofApiUrl = `http://127.0.0.1:${(double.address() as AddressInfo).port}`;
      const trust = JSON.parse(await readFile(stage.platform.dirs.trust, 'utf8')) as {
        evm: { contract: string }[];
      };
      const evm = { chainId: stage.platform.chain.chainId, rpcUrl: stage.platform.chain.rpcUrl };
      const proofs = new LedgerProofs({ proofApiUrl, trust, evm });
      assert.deepEqual(await proofs.anchoring(lineCid), { anchored: true });
      const codeOf = async (of: LedgerProofs, cid: string) => {
        const anchoring = await of.anchoring(cid);
        return anchoring.anchored ? 'anchored' : anchoring.code;
      };
      assert.equal(
        await codeOf(proofs, 'bafkreinoproofatallaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
        'PROOF_NOT_FOUND',
      );
      assert.equal(await codeOf(proofs, swapped.txFile), 'BAD_INCLUSION', 'a proof that does not verify');
      assert.equal(
        await codeOf(proofs, 'bafkreiaskedforanotherfilebutgiventhelinesproofaaaaaaaaaaaaaaa'),
        'PROOF_OF_ANOTHER_FILE',
      );
      // The same true proof, under trust roots naming another anchor contract.
      const elsewhere = new LedgerProofs({
        proofApiUrl,
        trust: { ...trust, evm: trust.evm.map((root) => ({ ...root, contract: `0x${'11'.repeat(20)}` })) },
        evm,
      });
      assert.equal(await codeOf(elsewhere, lineCid), 'UNTRUSTED_ANCHOR');
    } finally {
      double.close();
    }
  });
});
