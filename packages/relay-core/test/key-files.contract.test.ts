// KeyFiles against both content stores, one suite: the embedded Helia store and a real Kubo
// daemon (throw-away, offline; skipped without a Kubo binary unless CI or ANCHORPOST_REQUIRE_KUBO=1).
// A public key file goes in as its exact bytes and comes back by the CID anyone can compute; what
// is not a key file is refused on the way in (BAD_KEY_FILE, TOO_LARGE) and never served on the
// way out (KEY_FILE_NOT_FOUND) — a tx-file or any other content the store holds included.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { connectKubo, openHeliaContentStore, type ContentStore } from '@anchorpost/storage';
import { kuboBinaryForTests, startKuboDaemon } from '@anchorpost/storage/testing';
import { KeyFiles, MAX_KEY_FILE_BYTES } from '../src/key-files.ts';
import { isRelayError, RelayErrorCode } from '../src/relay-error.ts';

interface Harness {
  storage: ContentStore;
  dispose(): Promise<void>;
}

const TENANT = 'acme';
const refusedWith = (code: string) => (error: unknown) => isRelayError(error, code as RelayErrorCode);

function keyFilesContract(name: string, open: () => Promise<Harness>): void {
  describe(`KeyFiles: ${name}`, { timeout: 120_000 }, () => {
    let harness: Harness;
    let keyFiles: KeyFiles;
    before(async () => {
      harness = await open();
      keyFiles = new KeyFiles(harness.storage);
    });
    after(() => harness.dispose());

    it('stores a public key file’s exact bytes, pinned, under the CID computed from them', async () => {
      for (const suite of ['modern', 'rsa-4096'] as const) {
        const identity = await generateIdentity(suite);
        const bytes = new TextEncoder().encode(
          `${JSON.stringify(toPublicKeyFile(identity.public), null, 2)}\n`,
        );
        const stored = await keyFiles.store(bytes, TENANT);
        assert.equal(stored.cid, await cidForBytes(bytes));
        assert.equal(stored.fingerprint, fingerprint(identity.public));
        assert.equal(await harness.storage.isPinned(stored.cid), true);
        assert.deepEqual(await keyFiles.get(stored.cid), bytes);
        assert.deepEqual(
          await keyFiles.store(bytes, TENANT),
          stored,
          'the same bytes again: the same answer',
        );
      }
    });

    it('refuses what is no key file, and too large a body, storing nothing', async () => {
      const junk = new TextEncoder().encode('{"not":"a key"}');
      await assert.rejects(keyFiles.store(junk, TENANT), refusedWith(RelayErrorCode.BadKeyFile));
      await assert.rejects(
        keyFiles.store(new Uint8Array([0xff, 0xfe]), TENANT),
        refusedWith(RelayErrorCode.BadKeyFile),
      );
      assert.equal(await harness.storage.has(await cidForBytes(junk)), false);
      const identity = await generateIdentity('modern');
      const file = toPublicKeyFile(identity.public);
      const tampered = { ...file, id: '0'.repeat(64) };
      await assert.rejects(
        keyFiles.store(new TextEncoder().encode(JSON.stringify(tampered)), TENANT),
        refusedWith(RelayErrorCode.BadKeyFile),
      );
      const padded = new TextEncoder().encode(JSON.stringify(file) + ' '.repeat(MAX_KEY_FILE_BYTES));
      await assert.rejects(keyFiles.store(padded, TENANT), refusedWith(RelayErrorCode.TooLarge));
    });

    it('serves nothing but key files: other content the store holds, and unknown CIDs, are not found', async () => {
      const other = await harness.storage.addFile(new TextEncoder().encode('a tx-file, say'), { pin: true });
      await assert.rejects(keyFiles.get(other), refusedWith(RelayErrorCode.KeyFileNotFound));
      const unknown = await cidForBytes(new TextEncoder().encode('never stored'));
      await assert.rejects(keyFiles.get(unknown), refusedWith(RelayErrorCode.KeyFileNotFound));
      await assert.rejects(
        keyFiles.get('not-a-cid'),
        (error: unknown) => (error as { code?: string }).code === 'BAD_CID',
      );
    });
  });
}

keyFilesContract('embedded (Helia)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-key-files-'));
  const storage = await openHeliaContentStore({ dir });
  return {
    storage,
    dispose: async () => {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const kubo = kuboBinaryForTests();
if ('skip' in kubo) {
  it('KeyFiles: kubo', { skip: kubo.skip }, () => undefined);
} else {
  keyFilesContract('kubo (RPC)', async () => {
    const daemon = await startKuboDaemon({ binary: kubo.binary });
    const storage = connectKubo({ url: daemon.url, timeoutMs: 10_000 });
    return {
      storage,
      dispose: async () => {
        await storage.close();
        await daemon.dispose();
      },
    };
  });
}
