/**
 * v0.2 signatures cover the file's public digest: the attacks that v0.1's signatures over the keyed
 * after-state let through, performed and refused; v0.1 files still open for members and are
 * refused where a signature is checked without the group secret.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { concatBytes, toBase64, utf8 } from '../src/bytes.ts';
import { createGroup, type GroupKeys } from '../src/crypto/group.ts';
import { generateIdentity, type PrivateIdentity } from '../src/crypto/identity.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { ErrorCode } from '../src/errors.ts';
import { buildLegacyTxFile } from '../src/testing/legacy-tx-files.ts';
import { buildTxFile, type BuildTxFileInput } from '../src/tx-file/build.ts';
import { openTxFile } from '../src/tx-file/open.ts';
import { parseCanonicalTxFile } from '../src/tx-file/parse.ts';
import { SUITES, type SuiteName, type TxFile } from '../src/tx-file/schema.ts';
import { canonicalDigestBytes, serializeTxFile } from '../src/tx-file/serialize.ts';
import {
  legacyAfterStateMessage,
  txFileDigest,
  txFileSigningMessage,
  verifyClientSignature,
} from '../src/tx-file/signature.ts';
import { computeAfterState } from '../src/tx-file/state.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

interface Cast {
  alice: PrivateIdentity;
  /** A group member who turns against Alice. */
  mallory: PrivateIdentity;
  app: PrivateIdentity;
  group: GroupKeys;
  otherGroup: GroupKeys;
}

async function cast(suite: SuiteName): Promise<Cast> {
  const [alice, mallory, app] = await Promise.all([0, 1, 2].map(() => generateIdentity(suite)));
  const { keys: group } = await createGroup(suite, [alice!.public, mallory!.public]);
  const { keys: otherGroup } = await createGroup(suite, [mallory!.public]);
  return { alice: alice!, mallory: mallory!, app: app!, group, otherGroup };
}

function input(c: Cast, data: string, extra: Partial<BuildTxFileInput> = {}): BuildTxFileInput {
  return {
    group: c.group,
    senders: [c.alice],
    client: c.app,
    blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
    message: { data: text(data) },
    ...extra,
  };
}

/** What an outsider can do with a file it has seen: keep the signed parts, change the rest. */
function harvested(victim: TxFile, change: (tx: TxFile) => void): TxFile {
  const forged = structuredClone(victim);
  change(forged);
  forged.client = { ...victim.client };
  forged.state.after = victim.state.after;
  forged.sender = forged.sender.map((sender, i) => ({ ...sender, signature: victim.sender[i]!.signature }));
  return forged;
}

const refusedWith =
  (code: ErrorCode, field: string) =>
  (error: unknown): boolean => {
    assert.deepEqual(
      { code: (error as { code?: unknown }).code, field: (error as { field?: unknown }).field },
      { code, field },
      String(error),
    );
    return true;
  };

for (const suite of SUITES) {
  describe(`tx-file signatures v0.2 (${suite})`, { timeout: 120_000 }, () => {
    let c: Cast;
    before(async () => {
      c = await cast(suite);
    });

    it('signs "anchorpost/v2/tx-file" ‖ SHA-512(the canonical bytes, signatures blank, after kept)', () => {
      const tx = buildTxFile(input(c, 'hello'));
      assert.equal(tx.version, '0.2');
      const digest = createHash('sha512').update(canonicalDigestBytes(tx)).digest();
      assert.deepEqual(txFileDigest(tx), new Uint8Array(digest));
      const message = concatBytes(utf8('anchorpost/v2/tx-file'), new Uint8Array(digest));
      assert.deepEqual(txFileSigningMessage(tx), message);
      const verify = (key: PrivateIdentity, signature: string) =>
        getSuite(suite).verify(key.public.signing, message, Buffer.from(signature, 'base64'));
      assert.ok(verify(c.app, tx.client.signature));
      assert.ok(verify(c.alice, tx.sender[0]!.signature));
      verifyClientSignature(parseCanonicalTxFile(serializeTxFile(tx)), c.app.public);
    });

    it('refuses a harvested client signature on changed bytes (BAD_SIGNATURE), whatever field changed', () => {
      const victim = buildTxFile(input(c, 'pay Bob 10'));
      const other = buildTxFile(input(c, 'pay Mallory 10 000'));
      const elsewhere = buildTxFile(input(c, 'to another group', { group: c.otherGroup }));
      const forgeries: [string, TxFile][] = [
        ['message.data', harvested(victim, (tx) => (tx.message.data = other.message.data))],
        ['the content key', harvested(victim, (tx) => (tx.key = other.key))],
        ['the recipient', harvested(victim, (tx) => (tx.recipient = elsewhere.recipient))],
        ['a block height', harvested(victim, (tx) => (tx.blockchain.lastblock = block(1_204_332, 'a')))],
        ['state.before', harvested(victim, (tx) => (tx.state.before = other.state.after))],
        ['the sender', harvested(victim, (tx) => (tx.sender = structuredClone(elsewhere.sender)))],
      ];
      for (const [what, forged] of forgeries) {
        // The forgery is a well-formed file a relay would parse.
        const parsed = parseCanonicalTxFile(serializeTxFile(forged));
        assert.throws(
          () => {
            verifyClientSignature(parsed, c.app.public);
          },
          refusedWith(ErrorCode.BadSignature, 'transaction.client.signature'),
          what,
        );
      }
      // And the signed after-state itself cannot be swapped for another chain position.
      const moved = structuredClone(victim);
      moved.state.after = other.state.after;
      assert.throws(
        () => {
          verifyClientSignature(moved, c.app.public);
        },
        refusedWith(ErrorCode.BadSignature, 'transaction.client.signature'),
      );
    });

    it('refuses a v0.1 file where a signature is checked without the secret (LEGACY_TX_FILE)', () => {
      const legacy = buildLegacyTxFile(input(c, 'written the old way'));
      assert.equal(legacy.version, '0.1');
      assert.throws(
        () => {
          verifyClientSignature(parseCanonicalTxFile(serializeTxFile(legacy)), c.app.public);
        },
        refusedWith(ErrorCode.LegacyTxFile, 'transaction.version'),
      );
      // Why: v0.1's check took a harvested signature on other bytes (the attack v0.2 stops).
      const forged = harvested(legacy, (tx) => (tx.blockchain.lastblock = block(1_204_999, 'f')));
      const oldCheck = getSuite(suite).verify(
        c.app.public.signing,
        legacyAfterStateMessage(forged.state.after),
        Buffer.from(forged.client.signature, 'base64'),
      );
      assert.ok(oldCheck, 'the v0.1 client signature still verifies on the changed file');
    });

    it('members still open a v0.1 file (legacy path), and it checks its signatures', () => {
      const legacy = buildLegacyTxFile(input(c, 'an anchored old file'));
      const opened = openTxFile(legacy, { group: c.group, clientKey: () => c.app.public });
      assert.equal(new TextDecoder().decode(opened.message.data), 'an anchored old file');
      assert.equal(opened.client.verified, true);
      const forged = structuredClone(legacy);
      forged.sender[0]!.signature = buildLegacyTxFile(input(c, 'another')).sender[0]!.signature;
      assert.throws(
        () => openTxFile(forged, { group: c.group }),
        refusedWith(ErrorCode.BadSignature, 'transaction.sender[0].signature'),
      );
    });

    it('a member who changes a file and re-chains it cannot keep or copy the sender signature', () => {
      const sent = buildTxFile(input(c, 'Alice: yes'));
      const later = buildTxFile(input(c, 'Alice: something else'));
      // Mallory has the group secret, so she can make the after-state match her change…
      const changed = structuredClone(sent);
      changed.blockchain.lastblock = block(1_204_340, 'c');
      changed.state.after = computeAfterState(changed, c.group.secret);
      const copied = structuredClone(changed);
      copied.sender[0]!.signature = later.sender[0]!.signature;
      // …but not Alice's signature over it: neither the one she made nor one from her next file.
      for (const forged of [changed, copied]) {
        assert.throws(
          () => openTxFile(forged, { group: c.group }),
          refusedWith(ErrorCode.BadSignature, 'transaction.sender[0].signature'),
        );
      }
      // Even were Alice to sign the change, the client's signature would not follow it.
      const resigned = structuredClone(changed);
      resigned.sender[0]!.signature = toBase64(
        getSuite(suite).sign(c.alice.signing, txFileSigningMessage(resigned)),
      );
      assert.ok(openTxFile(resigned, { group: c.group }).senders.length === 1);
      assert.throws(
        () => openTxFile(resigned, { group: c.group, clientKey: () => c.app.public }),
        refusedWith(ErrorCode.BadSignature, 'transaction.client.signature'),
      );
    });
  });
}
