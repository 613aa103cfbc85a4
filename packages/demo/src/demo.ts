#!/usr/bin/env node
/**
 * `npm run demo`: Alice's app sends an end-to-end-encrypted tx-file to a group with Bob and Carol,
 * on a fresh platform in a temporary folder, and every step is shown as it happens: delivery to
 * both members (who decrypt it; the platform never could), the batch, the anchor on the local
 * chain, the proof, and its verification with nothing but the proof, the chain's JSON-RPC and the
 * platform's trust file (trust.json: whose contract and key count); then a short vote
 * (demo-vote.ts). The demo tenant, its app's client key, the group it may subscribe to and its API
 * key are made as an operator makes them: with `anchorpost tenant …` over the relay's admin API.
 */
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startPlatform } from '@anchorpost/platform';
import {
  buildGroupTxFile,
  isSdkError,
  joinGroup,
  newGroup,
  newIdentity,
  openGroupTxFile,
  parseTrustRoots,
  parseTxFileProof,
  ProofApiClient,
  RelayClient,
  savePublicKey,
  SdkErrorCode,
  verifyOptionsFor,
  verifyProof,
  type DeliveredTxFile,
  type GroupMembership,
  type TxFileProof,
} from '@anchorpost/sdk';
import { createLogger } from '@anchorpost/service-kit';
import { poll, runShortVote } from './demo-vote.ts';

const started = performance.now();
const say = (line: string) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${line}\n`);
};

/**
 * A member's app following the group with the SDK: resolves the first file sent after its stream
 * is live (`onReady`), then leaves the loop, which closes the stream.
 */
async function receiveOne(
  relay: RelayClient,
  member: GroupMembership,
  onReady: () => void,
): Promise<DeliveredTxFile> {
  for await (const file of relay.subscribe(member.recipient, { onReady })) return file;
  throw new Error('the subscription ended before a file came');
}

/**
 * The CLI (packages/cli) as a command and its first arguments: the workspace's
 * `node_modules/.bin/anchorpost` above this file (the same checkout as the platform), run by this
 * Node, else `anchorpost` on PATH. Found, not imported: the platform does not depend on its own
 * command line.
 */
function cliCommand(): [string, ...string[]] {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'anchorpost');
    if (existsSync(candidate)) return [process.execPath, candidate];
    if (dirname(dir) === dir) return ['anchorpost'];
  }
}

/** Runs `anchorpost ARGS` against the platform's admin API, shows the command, resolves its stdout. */
function anchorpost(adminUrl: string, adminKeyFile: string, args: string[]): Promise<string> {
  const full = [...args, '--admin', adminUrl, '--admin-key-file', adminKeyFile];
  say(`$ anchorpost ${full.join(' ')}`);
  return new Promise((resolve, reject) => {
    const [command, ...first] = cliCommand();
    execFile(command, [...first, ...full], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else if (error.code === 'ENOENT') {
        reject(new Error('the `anchorpost` command (packages/cli) is not installed here nor on PATH'));
      } else reject(new Error(`anchorpost ${args.slice(0, 2).join(' ')} failed: ${stderr.trim()}`));
    });
  });
}

async function main(): Promise<void> {
  // The services' own JSON logs would bury the story; warnings and errors still show.
  process.env.ANCHORPOST_LOG_LEVEL ??= 'warn';
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-demo-'));
  say(`starting a fresh platform in ${dir} (embedded: PGlite, file-log bus, Helia, local anvil)`);
  const [alice, bob, carol, app] = await Promise.all(Array.from({ length: 4 }, () => newIdentity('modern')));
  const bundle = await newGroup([alice!.public, bob!.public, carol!.public]);
  // Each member opens the group bundle with their own key. The group's recipient hash, which
  // every tx-file to it names: Bob and Carol subscribe before Alice's first file, so the operator
  // registers it for the demo tenant.
  const [aliceIn, bobIn, carolIn] = [alice!, bob!, carol!].map((person) => joinGroup(bundle, person)) as [
    GroupMembership,
    GroupMembership,
    GroupMembership,
  ];
  const { recipient } = aliceIn;
  const platform = await startPlatform({
    logger: createLogger('platform', { destination: { write: () => undefined } }),
    env: {
      ...process.env,
      ANCHORPOST_DATA_DIR: dir,
      ANCHORPOST_ANVIL_PORT: '0',
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_ADMIN_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_BATCHER_PORT: '0',
      ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
      ANCHORPOST_ANCHORER_PORT: '0',
      ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
      ANCHORPOST_PARSER_PORT: '0',
      ANCHORPOST_PARSER_MANAGEMENT_PORT: '0',
      ANCHORPOST_PROOF_API_PORT: '0',
      ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
      ANCHORPOST_BATCH_INTERVAL: '3s',
      ANCHORPOST_EVM_CONFIRMATIONS: '2',
      ANCHORPOST_ANCHORER_TICK_INTERVAL: '500ms',
      ANCHORPOST_PARSER_TRUSTED_DEPTH: '3',
      ANCHORPOST_PARSER_POLL_INTERVAL: '500ms',
    },
  });
  try {
    const relay = platform.endpoints['relay.http']!;
    const api = platform.endpoints['proof-api.http']!;
    say(`platform up: relay ${relay}, proof API ${api}, chain ${platform.chain.rpcUrl}`);

    // The operator's side, as on any relay: no tenant exists until the admin API adds it.
    const cli = (...args: string[]) =>
      anchorpost(platform.endpoints['relay.admin']!, platform.dirs.adminKey, args);
    const appKeyFile = join(dir, 'app.public.json');
    await savePublicKey(appKeyFile, app!.public);
    await cli('tenant', 'add', 'demo');
    await cli('tenant', 'client', 'add', 'demo', appKeyFile);
    await cli('tenant', 'recipient', 'add', 'demo', recipient);
    const issued = JSON.parse(
      await cli('tenant', 'key', 'new', 'demo', '--scopes', 'submit,subscribe', '--json'),
    ) as { key: string; id: string };
    const apiKey = issued.key;
    say(
      `tenant "demo" added with its app's client key, the group as a recipient, and API key ${issued.id} (shown once)`,
    );

    // The relay's receipt key, public half: the app checks every receipt against it.
    const relayKey = createPublicKey(await readFile(platform.dirs.relayKey, 'utf8'))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const relayClient = new RelayClient({ url: relay, apiKey, relayKey });
    const blockchain = {
      lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
      trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
    };
    const text = 'Lunch on Friday? — Alice';
    const message = await buildGroupTxFile(aliceIn, {
      client: app!,
      blockchain,
      message: { data: new TextEncoder().encode(text) },
    });
    say(`Alice wrote to the group {Bob, Carol}; encrypted tx-file of ${message.bytes.byteLength} bytes`);

    let ready = 0;
    const allReady = poll('subscriptions', () => Promise.resolve(ready === 2 ? true : null));
    let sent = 0;
    const deliveries = (
      [
        ['Bob', bobIn],
        ['Carol', carolIn],
      ] as const
    ).map(([name, member]) =>
      receiveOne(relayClient, member, () => (ready += 1)).then((file) => ({
        name,
        member,
        file,
        ms: performance.now() - sent,
      })),
    );
    await allReady;
    say("Bob and Carol are subscribed (SSE, by the group's recipient hash; resumable by cursor)");

    sent = performance.now();
    const { receipt } = await relayClient.submit(message.bytes);
    say(
      `relay accepted it: receipt #${receipt.sequence}, CID ${receipt.cid}, its signature checked against the relay's key`,
    );

    for (const { name, member, file, ms } of await Promise.all(deliveries)) {
      const opened = openGroupTxFile(file.bytes, member, app!.public);
      say(
        `${name} received it ${ms.toFixed(0)} ms after the send and decrypted: "${new TextDecoder().decode(opened.message.data)}"`,
      );
    }

    say('waiting for the batcher (every 3 s here, 60 s by default), the anchor and its confirmations…');
    const proofApi = new ProofApiClient({ url: api });
    const proof: TxFileProof = await poll(
      'the proof',
      async () => {
        try {
          return parseTxFileProof(await proofApi.proof(receipt.cid));
        } catch (error) {
          // Accepted or sealed, not yet anchored: ask again.
          if (isSdkError(error) && error.code === SdkErrorCode.Pending) return null;
          throw error;
        }
      },
      120_000,
    );
    say(
      `sealed in batch #${proof.batch.sequence} (${proof.batch.count} file(s)), Merkle root ${proof.batch.merkleRoot}`,
    );
    for (const anchor of proof.anchors) {
      say(
        anchor.chain === 'evm'
          ? `anchored on EVM chain ${anchor.chainId}: tx ${anchor.txHash}, block ${anchor.blockNumber}, ${anchor.confirmations} confirmations`
          : `anchored on Ergo ${anchor.chainId}: tx ${anchor.txId}, block ${anchor.height}, ${anchor.confirmations} confirmations`,
      );
    }
    const proofPath = join(dir, `proof-${receipt.cid}.json`);
    await writeFile(proofPath, `${JSON.stringify(proof, null, 2)}\n`);
    say(`proof fetched from the proof API: ${proofPath}`);

    // Whose anchors count is the auditor's choice: here the platform's own trust file, which an
    // auditor checks once, out of band (it is also served as GET /v1/trust-roots).
    const trust = parseTrustRoots(await readFile(platform.dirs.trust, 'utf8'));
    const [root] = trust.evm;
    say(
      `trust roots from ${platform.dirs.trust}: contract ${root!.contract} on chain ${root!.chainId}, anchors sent by ${root!.submitters.join(', ')} only`,
    );
    const verified = await verifyProof(
      proof,
      verifyOptionsFor(proof, {
        trust,
        chains: { evm: platform.chain.rpcUrl },
        // No Ergo node in the demo: "sent after" cannot be established, and is accepted as such.
        acceptNoLowerBound: true,
      }),
    );
    say(
      `verified with only SHA-256, the chain's JSON-RPC and those trust roots: tx-file ${verified.txFile} is in the batch, and the batch root is on chain, anchored by the trusted key (${verified.anchors.map((a) => (a.chain === 'evm' ? `EVM block ${a.blockNumber}` : `Ergo block ${a.height}`)).join(', ')})`,
    );
    say(
      `sent before ${verified.timeBound.notAfter}; "sent after" NOT established (${verified.noLowerBoundReason ?? 'no trustedblock'}): with an Ergo node the file's trustedblock would be found on the chain`,
    );
    say(
      `(\`anchorpost verify ${proofPath} --trust ${platform.dirs.trust} --evm-rpc ${platform.chain.rpcUrl} --no-lower-bound\` runs exactly this check from a shell)`,
    );
    await runShortVote({
      say,
      relay: relayClient,
      proofApi,
      chain: platform.chain,
      trust,
      organizer: aliceIn,
      voters: { bob: bobIn, carol: carolIn },
      app: app!,
      blockchain,
      // The app's next file in the group follows Alice's message in its chain.
      before: message.tx.state.after,
    });
    say('done');
  } finally {
    await platform.close();
    if (process.env.ANCHORPOST_DEMO_KEEP === undefined) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
});
