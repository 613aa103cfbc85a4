// `anchorpost vote new | cast | close | tally` as child processes against the whole platform in
// this process (embedded: PGlite, file-log bus, Helia, anvil at a block a second): an organizer
// and three members, a voting whose deadline is a block a few seconds ahead, two votes in time, a
// vote for an option the voting lacks (refused before it is sent), one vote after the deadline
// block, the Votes file, and the recount from anchored data matching it; then, in a second group, a
// Votes file that omits an anchored vote, which `vote tally` reports with exit code 4.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPlatform, type Platform } from '@anchorpost/platform';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import { tallyFromVoteFiles } from '@anchorpost/protocol';
import { buildGroupTxFile, loadGroup, loadIdentity, RelayClient } from '@anchorpost/sdk';
import { votesFileMessage, type AnchoredTally } from '@anchorpost/voting';
import { assertFailure, cli } from './cli-process.ts';

const PEOPLE = ['organizer', 'alice', 'bob', 'carol'] as const;
type Person = (typeof PEOPLE)[number];

let work: string;
let platform: Platform;
let relay: string;
let api: string;
let apiKey: string;

const blocks = ['--lastblock', `1204331:${'a'.repeat(64)}`, '--trustedblock', `1204321:${'b'.repeat(64)}`];
const as = (person: Person) => [
  '--group',
  join(work, 'group.json'),
  '--key',
  join(work, person, 'private-key.json'),
];
const sending = () => ['--relay', relay, '--api-key', apiKey, ...blocks];
const recounting = () => [
  '--api',
  api,
  '--relay',
  relay,
  '--trust',
  platform.dirs.trust,
  '--evm-rpc',
  platform.chain.rpcUrl,
  '--no-lower-bound',
];

async function head(): Promise<number> {
  const response = await fetch(platform.chain.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

const anchored = (cid: string) =>
  until(`the proof of ${cid}`, async () => (await fetch(`${api}/v1/proofs/${cid}`)).status === 200);

before(async () => {
  // The services' own logs would bury the test's output; warnings and errors still show.
  process.env.ANCHORPOST_LOG_LEVEL ??= 'warn';
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-vote-'));
  for (const person of PEOPLE) {
    const made = await cli('keys', 'new', '--out', join(work, person));
    assert.equal(made.status, 0, made.stderr);
  }
  const members = PEOPLE.flatMap((person) => ['--member', join(work, person, 'public-key.json')]);
  const group = await cli('group', 'new', ...members, '--out', join(work, 'group.json'));
  assert.equal(group.status, 0, group.stderr);
  // Each person's app signs as the person: the tenant has every one's key as a client key.
  apiKey = newApiKey().key;
  const clientKeys = await Promise.all(
    PEOPLE.map(
      async (person) => JSON.parse(await readFile(join(work, person, 'public-key.json'), 'utf8')) as unknown,
    ),
  );
  const data = join(work, 'data');
  await writeFile(
    join(work, 'tenants.json'),
    JSON.stringify({
      tenants: [{ id: 'voters', clientKeys, apiKeys: [{ key: apiKey, scopes: ['submit'] }] }],
    }),
  );
  platform = await startPlatform({
    logger: createLogger('platform', { destination: { write: () => undefined } }),
    env: {
      ...process.env,
      ANCHORPOST_DATA_DIR: data,
      ANCHORPOST_RELAY_TENANTS_FILE: join(work, 'tenants.json'),
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
      ANCHORPOST_BATCH_INTERVAL: '1s',
      ANCHORPOST_EVM_CONFIRMATIONS: '1',
      ANCHORPOST_ANCHORER_TICK_INTERVAL: '300ms',
      ANCHORPOST_PARSER_TRUSTED_DEPTH: '1',
      ANCHORPOST_PARSER_POLL_INTERVAL: '300ms',
    },
  });
  relay = platform.endpoints['relay.http']!;
  api = platform.endpoints['proof-api.http']!;
});

after(async () => {
  await platform.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost vote', { timeout: 240_000 }, () => {
  it('runs a short vote end to end and recounts it from anchored data', async () => {
    // The deadline: a block some 25 seconds ahead on the local chain.
    const deadline = (await head()) + 25;
    const created = await cli(
      'vote',
      'new',
      ...as('organizer'),
      ...sending(),
      '--question',
      'Lunch on Friday?',
      '--option',
      'Pizza',
      '--option',
      'Sushi',
      '--deadline',
      String(deadline),
      '--json',
    );
    assert.equal(created.status, 0, created.stderr);
    const voting = (JSON.parse(created.stdout) as { cid: string }).cid;

    const cast = async (person: Person, option: string) => {
      const run = await cli(
        'vote',
        'cast',
        voting,
        '--option',
        option,
        ...as(person),
        ...sending(),
        '--json',
      );
      assert.equal(run.status, 0, run.stderr);
      return (JSON.parse(run.stdout) as { cid: string }).cid;
    };
    const [alice, bob] = await Promise.all([cast('alice', 'Pizza'), cast('bob', 'Sushi')]);
    // An option the voting does not have is refused before anything is sent.
    assertFailure(
      await cli('vote', 'cast', voting, '--option', 'Tacos', ...as('carol'), ...sending()),
      'UNKNOWN_OPTION',
      '--option',
    );
    await Promise.all([voting, alice, bob].map(anchored));
    // Closing before the deadline block is refused.
    assertFailure(
      await cli('vote', 'close', voting, ...as('organizer'), ...sending(), ...recounting()),
      'VOTING_OPEN',
    );

    await until('the deadline block', async () => (await head()) > deadline);
    const carol = await cast('carol', 'Pizza');
    await anchored(carol);

    // Before the Votes file: the recount stands, and says the Votes file is missing.
    const early = await cli('vote', 'tally', voting, ...as('bob'), ...recounting(), '--json');
    assert.equal(early.status, 0, early.stderr);
    assert.equal((JSON.parse(early.stdout) as AnchoredTally).votesFile.status, 'missing');

    const closed = await cli(
      'vote',
      'close',
      voting,
      ...as('organizer'),
      ...sending(),
      ...recounting(),
      '--json',
    );
    assert.equal(closed.status, 0, closed.stderr);
    const votesFile = JSON.parse(closed.stdout) as { cid: string; listed: number };
    assert.equal(votesFile.listed, 2);
    await anchored(votesFile.cid);

    const tallied = await cli('vote', 'tally', voting, ...as('alice'), ...recounting(), '--json');
    assert.equal(tallied.status, 0, tallied.stderr);
    const tally = JSON.parse(tallied.stdout) as AnchoredTally;
    assert.deepEqual(
      tally.totals.map((total) => [total.title, total.votes]),
      [
        ['Pizza', 1],
        ['Sushi', 1],
      ],
    );
    assert.deepEqual(tally.counted.map((vote) => vote.cid).sort(), [alice, bob].sort());
    assert.deepEqual(
      tally.rejected.map((vote) => [vote.cid, vote.code]),
      [[carol, 'LATE_VOTE']],
    );
    assert.deepEqual(tally.votesFile, { status: 'consistent', cid: votesFile.cid, listed: 2, findings: [] });

    const text = await cli('vote', 'tally', voting, ...as('carol'), ...recounting());
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^voting \S+: "Lunch on Friday\?"\n/);
    assert.match(text.stdout, /\n {2}1 "Pizza"\n {2}1 "Sushi"\n/);
    assert.match(
      text.stdout,
      new RegExp(`rejected ${carol} LATE_VOTE: anchored in block \\d+, after the deadline block ${deadline}`),
    );
    assert.match(text.stdout, new RegExp(`Votes file ${votesFile.cid}: consistent \\(lists 2\\)`));
  });

  it('refuses bad arguments before anything is sent', async () => {
    assertFailure(await cli('vote'), 'USAGE', '-', 2);
    assertFailure(
      await cli(
        'vote',
        'new',
        ...as('organizer'),
        ...sending(),
        '--question',
        'Q',
        '--option',
        'A',
        '--deadline',
        '9',
      ),
      'USAGE',
      '-',
      2,
    );
    assertFailure(
      await cli(
        'vote',
        'tally',
        'bafy',
        ...as('alice'),
        '--api',
        api,
        '--relay',
        relay,
        '--evm-rpc',
        platform.chain.rpcUrl,
      ),
      'USAGE',
      '-',
      2,
    );
  });

  it('exits 4 when the anchored Votes file omits an anchored vote, and says which', async () => {
    // A group of its own: the organizer's and members' files start fresh state chains there.
    const members = PEOPLE.flatMap((person) => ['--member', join(work, person, 'public-key.json')]);
    const made = await cli('group', 'new', ...members, '--out', join(work, 'group-2.json'));
    assert.equal(made.status, 0, made.stderr);
    const in2 = (person: Person) => [
      '--group',
      join(work, 'group-2.json'),
      '--key',
      join(work, person, 'private-key.json'),
    ];
    const deadline = (await head()) + 15;
    const created = await cli(
      'vote',
      'new',
      ...in2('organizer'),
      ...sending(),
      '--question',
      'Dinner?',
      '--option',
      'Soup',
      '--option',
      'Salad',
      '--deadline',
      String(deadline),
      '--json',
    );
    assert.equal(created.status, 0, created.stderr);
    const voting = JSON.parse(created.stdout) as { cid: string; voting: string };
    const cast = await cli(
      'vote',
      'cast',
      voting.cid,
      '--option',
      'Soup',
      ...in2('alice'),
      ...sending(),
      '--json',
    );
    assert.equal(cast.status, 0, cast.stderr);
    const vote = (JSON.parse(cast.stdout) as { cid: string }).cid;
    await Promise.all([voting.cid, vote].map(anchored));
    await until('the deadline block', async () => (await head()) > deadline);

    // The organizer publishes a Votes file that lists none of the votes (built here: `vote close`
    // would list them all), next in its chain after the voting file.
    const organizer = await loadIdentity(join(work, 'organizer'));
    const member = await loadGroup(join(work, 'group-2.json'), organizer);
    const omitting = await buildGroupTxFile(member, {
      before: voting.voting,
      blockchain: {
        lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
      },
      message: votesFileMessage(tallyFromVoteFiles(voting.voting, deadline, [])),
    });
    await new RelayClient({ url: relay, apiKey }).submit(omitting.bytes);
    await anchored(omitting.cid);

    const tallied = await cli('vote', 'tally', voting.cid, ...in2('bob'), ...recounting(), '--json');
    // docs/voting.md: exit 4, the Votes file is inconsistent with the anchored votes.
    assert.equal(tallied.status, 4, tallied.stderr);
    const tally = JSON.parse(tallied.stdout) as AnchoredTally;
    assert.equal(tally.votesFile.status, 'inconsistent');
    assert.equal(tally.votesFile.cid, omitting.cid);
    assert.deepEqual(
      tally.votesFile.findings.map((finding) => finding.code),
      ['VOTES_FILE_OMITS_VOTE'],
    );
    assert.deepEqual(
      tally.totals.map((total) => [total.title, total.votes]),
      [
        ['Soup', 1],
        ['Salad', 0],
      ],
    );
    const text = await cli('vote', 'tally', voting.cid, ...in2('carol'), ...recounting());
    assert.equal(text.status, 4, text.stderr);
    assert.match(text.stdout, new RegExp(`Votes file ${omitting.cid}: inconsistent \\(lists 0\\)`));
    assert.match(text.stdout, /\n {2}VOTES_FILE_OMITS_VOTE: /);
  });
});
