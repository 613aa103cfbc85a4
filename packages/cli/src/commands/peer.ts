/**
 * `anchorpost peer …`: the platforms this one follows through the chain (ADR 0031), over the
 * relay's admin API. `add` takes a peer's TrustRoots v1 file (what its `GET /v1/trust-roots`
 * answers, checked out of band); the peer's name is the file's `platform`.
 */
import { adminApi, adminKey, adminUrl } from '../admin-api.ts';
import { UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { parseCommand } from '../options.ts';

export const PEER_USAGE =
  'anchorpost peer add TRUST.json | list [--json] | remove NAME  [--admin URL] [--admin-key-file FILE]';

interface ListedPeer {
  name: string;
  addedAt: string;
  trustRoots: {
    evm: { chainId: string; contract: string; submitters: string[] }[];
    ergo: { network: string; tokenId: string }[];
  };
}

function printPeers(body: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  for (const peer of (body as { peers: ListedPeer[] }).peers) {
    process.stdout.write(`${peer.name} added ${peer.addedAt}\n`);
    for (const root of peer.trustRoots.evm) {
      process.stdout.write(
        `  evm ${root.chainId} ${root.contract} submitters ${root.submitters.join(',')}\n`,
      );
    }
    for (const root of peer.trustRoots.ergo) process.stdout.write(`  ergo ${root.network} ${root.tokenId}\n`);
  }
}

export async function peerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { admin: { type: 'string' }, 'admin-key-file': { type: 'string' }, json: { type: 'boolean' } },
    PEER_USAGE,
  );
  const [verb, ...rest] = positionals;
  const shapes: Record<string, number> = { add: 1, list: 0, remove: 1 };
  if (verb === undefined || shapes[verb] !== rest.length) throw new UsageError(`usage: ${PEER_USAGE}`);
  const api = adminApi(adminUrl(values.admin), await adminKey(values['admin-key-file'], PEER_USAGE));
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (verb === 'add') {
    const trustRoots = await readJson(rest[0]!, 'TRUST.json');
    const body = (await api.call('POST', 'v1/admin/peers', trustRoots)) as {
      peer: { name: string };
      added: boolean;
    };
    out(body.added ? `added ${body.peer.name}` : `${body.peer.name} is a peer already (unchanged)`);
  } else if (verb === 'list') {
    printPeers(await api.call('GET', 'v1/admin/peers'), values.json === true);
  } else {
    await api.call('DELETE', `v1/admin/peers/${encodeURIComponent(rest[0]!)}`);
    out(`removed ${rest[0]!}`);
  }
  return 0;
}
