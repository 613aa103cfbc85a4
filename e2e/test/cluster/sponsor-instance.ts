// The sponsor beside a running cluster: it needs what the chart takes from the operator, so this
// provides it on the cluster's anvil — the forwarder and the key registry deployed by a dev account,
// a funded sponsor key, and a policy file that lets one tenant register keys. The sponsor reads
// the tenants' API keys from the relays' state database, as in the chart.
import { chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { anchorpostKeyRegistryInterface, deploySponsorContracts } from '@anchorpost/sponsor-contracts';
import type { SponsorContractsDeployment } from '@anchorpost/sponsor-contracts';
import type { Cluster } from './cluster.ts';
import { FAST } from './cluster-env.ts';
import { managementPortVariable, type ImageOf } from './container.ts';
import { freePort } from './free-port.ts';
import { ServiceProcess } from './service-process.ts';

export interface SponsorInstance {
  readonly process: ServiceProcess;
  readonly deployment: SponsorContractsDeployment;
  /** The account that pays. */
  readonly sponsorAddress: string;
}

/** anvil's dev accounts 0–2 are the cluster's (anchorer, other submitter, stranger). */
const DEPLOYER_ACCOUNT = 3;
const SPONSOR_ACCOUNT = 4;

export async function startSponsorInstance(options: {
  readonly cluster: Cluster;
  /** Where its key, its policy file and its log go. */
  readonly dir: string;
  /** The tenant whose users it sponsors (must be one of the cluster's). */
  readonly tenant: string;
  readonly images?: ImageOf;
}): Promise<SponsorInstance> {
  const { cluster, dir, tenant, images } = options;
  const keyOf = (i: number) => new Wallet(cluster.chain.anvil.privateKeys[i]!);
  const deployment = await deploySponsorContracts(cluster.chain.rpc, keyOf(DEPLOYER_ACCOUNT));
  const sponsor = keyOf(SPONSOR_ACCOUNT);
  const keyFile = join(dir, 'keys', 'sponsor-key.hex');
  await writeFile(keyFile, sponsor.privateKey, { mode: 0o600 });
  const policyFile = join(dir, 'sponsor-policy.json');
  const register = anchorpostKeyRegistryInterface.getFunction('register')!.selector;
  await writeFile(
    policyFile,
    JSON.stringify({
      governors: [],
      tenants: {
        [tenant]: {
          allow: { [deployment.keyRegistry]: [register] },
          maxGas: '500000',
          periodSeconds: 86_400,
          tenantBudget: { wei: '100000000000000000', count: 1000 },
          userBudget: { wei: '10000000000000000', count: 10 },
          minDeadlineSeconds: 30,
        },
      },
    }),
  );
  // The container runs as uid 1000, as the chart's pod (whose fsGroup owns the mounted files).
  if (images !== undefined) for (const path of [keyFile, policyFile]) await chown(path, 1000, 1000);

  const http = await freePort();
  const management = await freePort();
  const process_ = new ServiceProcess({
    name: 'sponsor',
    service: 'sponsor',
    url: `http://127.0.0.1:${http}`,
    logPath: join(dir, 'logs', 'sponsor.log'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANCHORPOST_DATABASE_URL: cluster.stateDb.databaseUrl,
      ANCHORPOST_DATABASE_POOL_SIZE: FAST.ANCHORPOST_DATABASE_POOL_SIZE,
      ANCHORPOST_EVM_RPC_URLS: cluster.evmRpc,
      ANCHORPOST_EVM_CHAIN_ID: FAST.ANCHORPOST_EVM_CHAIN_ID,
      ANCHORPOST_SPONSOR_HTTP_PORT: String(http),
      ANCHORPOST_SPONSOR_GRPC_PORT: String(await freePort()),
      [managementPortVariable('sponsor')]: String(management),
      ANCHORPOST_SPONSOR_FORWARDER: deployment.forwarder,
      ANCHORPOST_SPONSOR_POLICY_FILE: policyFile,
      ANCHORPOST_SPONSOR_KEY_FILE: keyFile,
      ANCHORPOST_SPONSOR_CONFIRMATIONS: '1',
    },
    managementUrl: `http://127.0.0.1:${management}`,
    ...(images === undefined ? {} : { image: { name: images('sponsor'), readOnlyMounts: [dir] } }),
  });
  await process_.start();
  return { process: process_, deployment, sponsorAddress: sponsor.address };
}
