import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { ProtocolError } from '../src/errors.ts';
import { createGroup, openGroup, type GroupBundle, type GroupKeys } from '../src/crypto/group.ts';
import { generateIdentity, type PrivateIdentity } from '../src/crypto/identity.ts';
import { buildTxFile, type BuildTxFileInput } from '../src/tx-file/build.ts';
import { openTxFile } from '../src/tx-file/open.ts';
import { verifyClientSignature } from '../src/tx-file/signature.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { GENESIS_STATE } from '../src/tx-file/state.ts';
import { SUITES, type SuiteName } from '../src/tx-file/schema.ts';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

interface Cast {
  alice: PrivateIdentity;
  bob: PrivateIdentity;
  carol: PrivateIdentity;
  dave: PrivateIdentity;
  app: PrivateIdentity;
  group: GroupKeys;
  bundle: GroupBundle;
  otherGroup: GroupKeys;
}

async function cast(suite: SuiteName): Promise<Cast> {
  const [alice, bob, carol, dave, app] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'app'].map(() => generateIdentity(suite)),
  );
  const { keys: group, bundle } = await createGroup(suite, [alice!.public, bob!.public, carol!.public]);
  const { keys: otherGroup } = await createGroup(suite, [dave!.public]);
  return { alice: alice!, bob: bob!, carol: carol!, dave: dave!, app: app!, group, bundle, otherGroup };
}

function input(c: Cast, extra: Partial<BuildTxFileInput> = {}): BuildTxFileInput {
  return {
    group: c.group,
    senders: [c.alice],
    client: c.app,
    blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
    message: {
      header: text('Dinner'),
      data: text('Friday at eight? 🍝'),
      attachments: [text('menu.pdf bytes'), new Uint8Array([0, 1, 2, 255])],
      regarding: { headerhash: 'c'.repeat(128), datahash: 'd'.repeat(128) },
    },
    ...extra,
  };
}

for (const suite of SUITES) {
  describe(`transaction-file round trip (${suite})`, { timeout: 120_000 }, () => {
    let c: Cast;
    before(async () => {
      c = await cast(suite);
    });

    it('every member of a group of 3 opens what Alice sent', () => {
      const bytes = serializeTxFile(buildTxFile(input(c)));
      for (const member of [c.alice, c.bob, c.carol]) {
        const keys = openGroup(JSON.parse(JSON.stringify(c.bundle)), member);
        const opened = openTxFile(parseTxFile(bytes), { group: keys, clientKey: () => c.app.public });
        assert.equal(decode(opened.message.header), 'Dinner');
        assert.equal(decode(opened.message.data), 'Friday at eight? 🍝');
        assert.deepEqual(opened.message.attachments, [
          text('menu.pdf bytes'),
          new Uint8Array([0, 1, 2, 255]),
        ]);
        assert.deepEqual(opened.senders[0], c.alice.public);
        assert.equal(opened.client.verified, true);
        assert.equal(opened.state.before, GENESIS_STATE);
      }
    });

    it('a non-member can open neither the group bundle nor the file', () => {
      const bytes = serializeTxFile(buildTxFile(input(c)));
      assert.throws(() => openGroup(c.bundle, c.dave), { code: 'NOT_A_MEMBER', field: 'group.members' });
      assert.throws(() => openTxFile(parseTxFile(bytes), { group: c.otherGroup }), {
        code: 'NOT_A_MEMBER',
        field: 'transaction.key',
      });
    });

    it('chains the state of consecutive files and detects a broken link', () => {
      const first = buildTxFile(input(c));
      const second = buildTxFile(input(c, { before: first.state.after }));
      const opened = openTxFile(second, { group: c.group });
      assert.equal(opened.state.before, first.state.after);
      assert.notEqual(second.state.after, first.state.after);
      const forged = structuredClone(second);
      forged.state.before = 'e'.repeat(128);
      assert.throws(() => openTxFile(forged, { group: c.group }), {
        code: 'STATE_MISMATCH',
        field: 'transaction.state.after',
      });
    });

    it('lets a relay check the client signature without the group secret', () => {
      const tx = buildTxFile(input(c));
      verifyClientSignature(tx, c.app.public);
      assert.throws(
        () => {
          verifyClientSignature(tx, c.bob.public);
        },
        { code: 'BAD_KEY' },
      );
      const forged = structuredClone(tx);
      forged.client.signature = buildTxFile(input(c)).client.signature;
      assert.throws(
        () => {
          verifyClientSignature(forged, c.app.public);
        },
        { code: 'BAD_SIGNATURE' },
      );
    });

    it('signs with several senders and checks each', () => {
      const tx = buildTxFile(input(c, { senders: [c.alice, c.bob] }));
      assert.equal(openTxFile(tx, { group: c.group }).senders.length, 2);
      const forged = structuredClone(tx);
      forged.sender[1]!.signature = forged.sender[0]!.signature;
      assert.throws(() => openTxFile(forged, { group: c.group }), {
        code: 'BAD_SIGNATURE',
        field: 'transaction.sender[1].signature',
      });
    });

    it('carries a voting and a signed vote', () => {
      const voting = buildTxFile(
        input(c, {
          voting: {
            secret: text('s3cret'),
            lastblock: 1_204_400,
            options: [{ title: text('e4') }, { title: text('d4'), description: text('Queen pawn') }],
          },
        }),
      );
      const openedVoting = openTxFile(voting, { group: c.group });
      const options = openedVoting.voting?.options ?? [];
      assert.deepEqual(
        options.map((o) => decode(o.title)),
        ['e4', 'd4'],
      );
      const vote = buildTxFile(
        input(c, { senders: [c.bob], vote: { voting: voting.state.after, optionTitle: text('d4') } }),
      );
      const openedVote = openTxFile(vote, { group: c.group });
      assert.equal(openedVote.vote?.option, options[1]?.hash);
      const forged = structuredClone(vote);
      forged.vote!.option = options[0]!.hash;
      assert.throws(() => openTxFile(forged, { group: c.group }), ProtocolError);
    });

    it('fails with a clear code when any byte of the file is flipped', () => {
      const bytes = serializeTxFile(buildTxFile(input(c)));
      // Every position for the fast suite; a spread sample for RSA, whose checks are slower.
      const step = suite === 'modern' ? 1 : 17;
      let checked = 0;
      for (let at = 0; at < bytes.byteLength; at += step) {
        for (const mask of [0x01, 0x20]) {
          const flipped = Uint8Array.from(bytes);
          flipped[at]! ^= mask;
          assert.throws(
            () => openTxFile(parseTxFile(flipped), { group: c.group, clientKey: () => c.app.public }),
            (error: unknown) =>
              error instanceof ProtocolError && /^[A-Z_]+$/.test(error.code) && error.field.length > 0,
            `flip 0x${mask.toString(16)} at byte ${at} was accepted`,
          );
          checked++;
        }
      }
      assert.ok(checked > 100);
    });
  });
}
