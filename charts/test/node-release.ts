// The chart installed on the test node as an operator installs it: the Secret the values name
// (`existingSecret`, from stdin so no value is on a command line), a values file with the servers'
// addresses (no API key on a command line either), and `helm install --wait`, which returns once
// every Deployment's pods are ready through the chart's own probes.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateIdentity, toPublicKeyFile, type PrivateIdentity } from '@anchorpost/protocol';
import { generateRelayKey, newApiKey } from '@anchorpost/relay-core';
import type { ApiServer } from './api-server.ts';
import type { KubeNode } from './kube-node.ts';
import type { NodeServers } from './node-servers.ts';
import { BIN, CHART } from './tools.ts';

const run = promisify(execFile);
export const NAMESPACE = 'anchorpost';
const RELEASE = 'anchorpost';

/** What the test's application holds after the install: its identity and its API key. */
export interface Release {
  readonly app: PrivateIdentity;
  readonly apiKey: string;
}

/** Settings the chart has no value for, as the chart lets an operator give them (`extraEnv`): quick polls. */
const QUICK = {
  anchorer: { ANCHORPOST_ANCHORER_TICK_INTERVAL: '500ms', ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF: '5s' },
  parser: { ANCHORPOST_PARSER_POLL_INTERVAL: '500ms', ANCHORPOST_PARSER_MAX_FAILURE_DELAY: '5s' },
};

function values(servers: NodeServers, tenants: unknown, relayPublicKey: string): unknown {
  const { chain } = servers;
  return {
    global: {
      image: { repository: 'docker.io/anchorpost', tag: 'local', pullPolicy: 'Never' },
      hostNetwork: true,
    },
    kafkaBrokers: servers.kafkaBrokers,
    kuboUrl: servers.kubo.url,
    evm: {
      rpcUrls: chain.anvil.rpcUrl,
      chainId: chain.anvil.chainId,
      anchorContract: chain.contractAddress,
      anchorSubmitters: chain.owner.address,
      deployBlock: chain.deployBlock,
      confirmations: 2,
    },
    relay: { tenants: JSON.stringify(tenants) },
    // A batch every 2 s and a shallow trusted depth: anvil mines a block a second.
    batcher: { interval: '2s', relayPublicKeys: [relayPublicKey] },
    anchorer: { extraEnv: QUICK.anchorer },
    parser: { trustedDepth: 3, extraEnv: QUICK.parser },
  };
}

/** Makes the namespace and Secret, writes the values and runs `helm install --wait`. */
export async function installRelease(api: ApiServer, node: KubeNode, servers: NodeServers): Promise<Release> {
  await api.kubectl(['create', 'namespace', NAMESPACE]);
  const relayKey = generateRelayKey();
  await api.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'anchorpost', namespace: NAMESPACE },
      stringData: {
        'state-database-url': servers.stateDb.databaseUrl,
        'index-database-url': servers.indexDb.databaseUrl,
        'relay-key': relayKey.pkcs8Pem,
        'evm-signer-key': servers.chain.owner.privateKey,
      },
    }),
  );
  const app = await generateIdentity('modern');
  const apiKey = newApiKey().key;
  const tenants = {
    tenants: [
      {
        id: 'acme',
        clientKeys: [toPublicKeyFile(app.public)],
        apiKeys: [{ key: apiKey, scopes: ['submit'] }],
      },
    ],
  };
  const valuesFile = join(api.dir, 'node-values.json');
  const relayPublicKey = Buffer.from(relayKey.publicKeyRaw).toString('hex');
  await writeFile(valuesFile, JSON.stringify(values(servers, tenants, relayPublicKey)), { mode: 0o600 });
  await run(join(BIN, 'helm'), ['dependency', 'build', CHART]);
  const helm = ['install', RELEASE, CHART, '--kubeconfig', api.kubeconfig, '--namespace', NAMESPACE];
  const files = ['-f', join(CHART, 'ci/minimal-values.yaml'), '-f', valuesFile];
  try {
    await run(join(BIN, 'helm'), [...helm, ...files, '--wait', '--timeout', '300s']);
  } catch (error) {
    const pods = await api.kubectl(['get', 'pods,jobs,events', '-n', NAMESPACE, '-o', 'wide']).catch(String);
    throw new Error(`helm install failed: ${String(error)}\n${pods}\n${node.logs()}`, { cause: error });
  }
  return { app, apiKey };
}
