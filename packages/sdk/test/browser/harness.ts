/**
 * What the SDK's browser test runs in Chromium (test/browser.test.ts bundles it for the browser
 * with the browser entries, from source): each step takes and answers JSON-safe values (bytes as
 * base64), so the test in Node hands files and keys across and checks them there.
 */
import * as app from '../../src/browser-app.ts';
import * as verify from '../../src/browser.ts';
import { checkTxFileSignature } from '../../src/tx-file-signature.ts';
import { webPrimitives } from '@anchorpost/protocol/web';

interface PublicKeyJson {
  readonly suite: app.SuiteName;
  readonly encryption: string;
  readonly signing: string;
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

const publicJson = (key: app.PublicIdentity): PublicKeyJson => ({
  suite: key.suite,
  encryption: toBase64(key.encryption),
  signing: toBase64(key.signing),
});
const publicKey = (json: PublicKeyJson): app.PublicIdentity => ({
  suite: json.suite,
  encryption: fromBase64(json.encryption),
  signing: fromBase64(json.signing),
});

/** The error's code, for the test to compare with Node's. */
function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

/** The page's origin, which forwards the proof API (/v1/*) and anvil (/rpc). */
const origin = (): string => (globalThis as unknown as { location: { origin: string } }).location.origin;

let identity: app.PrivateIdentity | undefined;
let membership: app.GroupMembership | undefined;
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

export const steps = {
  /** A fresh client key of `suite`, kept in the page; its public half answered. */
  async newIdentity(suite: app.SuiteName = 'modern'): Promise<PublicKeyJson & { id: string }> {
    identity = await app.newIdentityWeb(suite);
    return { ...publicJson(identity.public), id: await app.keyFingerprintWeb(identity.public) };
  },

  /** The page's identity as the key files `anchorpost keys new` writes. */
  async keyFiles(): Promise<{ public: unknown; private: unknown }> {
    return {
      public: await app.toPublicKeyFileWeb(identity!.public),
      private: await app.toPrivateKeyFileWeb(identity!),
    };
  },

  /** Reads a key file written in Node; its id, or the refusal's code. */
  async readPrivateKeyFile(file: unknown): Promise<string> {
    try {
      return await app.keyFingerprintWeb((await app.parsePrivateKeyFileWeb(file)).public);
    } catch (error) {
      return codeOf(error);
    }
  },

  async newGroup(members: readonly PublicKeyJson[]): Promise<unknown> {
    return app.newGroupWeb(members.map(publicKey));
  },

  async join(bundle: unknown): Promise<{ recipient: string; members: readonly string[] }> {
    membership = await app.joinGroupWeb(bundle, identity!);
    return { recipient: membership.recipient, members: membership.members };
  },

  async open(bytes: string, client: PublicKeyJson): Promise<unknown> {
    try {
      const opened = await app.openGroupTxFileWeb(fromBase64(bytes), membership!, publicKey(client));
      return {
        data: text(opened.message.data),
        verified: opened.client.verified,
        senders: opened.senders.length,
      };
    } catch (error) {
      return codeOf(error);
    }
  },

  async build(data: string): Promise<{ bytes: string; cid: string }> {
    const built = await app.buildGroupTxFileWeb(membership!, {
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { header: new TextEncoder().encode('from Chromium'), data: new TextEncoder().encode(data) },
    });
    return { bytes: toBase64(built.bytes), cid: built.cid };
  },

  async checkReceipt(receipt: app.RelayReceipt, cid: string, relayKey: string): Promise<string> {
    try {
      await app.checkReceiptWeb(receipt, cid, app.parseRelayKey(relayKey));
      return 'ok';
    } catch (error) {
      return codeOf(error);
    }
  },

  async verify(cid: string, minConfirmations?: number): Promise<string> {
    const proofApi = new verify.ProofApiClient({ url: origin() });
    try {
      const trust = verify.parseTrustRoots(await proofApi.trustRoots());
      const options = { proofApi, trust, chains: { evm: `${origin()}/rpc` }, acceptNoLowerBound: true };
      const verified = await verify.verifyTxFile(cid, {
        ...options,
        ...(minConfirmations ? { minConfirmations } : {}),
      });
      return `ok ${verified.txFile} ${verified.trusted}`;
    } catch (error) {
      return codeOf(error);
    }
  },

  /** Verifies `cid`'s proof under `trust` against the Ergo node at /ergo: `ok …`, or the code and field. */
  async verifyErgo(cid: string, trust: unknown): Promise<string> {
    const proofApi = new verify.ProofApiClient({ url: origin() });
    try {
      const verified = await verify.verifyTxFile(cid, {
        proofApi,
        trust: verify.parseTrustRoots(trust),
        chains: { ergo: `${origin()}/ergo` },
      });
      return `ok ${verified.txFile} ${verified.trusted} ${verified.anchors.map((a) => a.chain).join(',')}`;
    } catch (error) {
      return `${codeOf(error)} ${(error as { field?: string }).field ?? ''}`;
    }
  },
};

/** Published test vectors, checked in the page: a tx-file's signer (or the refusal's code and field). */
export const vectorSteps = {
  async checkSigner(file: string, publicKeyFile: unknown): Promise<string> {
    try {
      const signer = await checkTxFileSignature(new TextEncoder().encode(file), publicKeyFile);
      return `${signer.role} ${signer.suite}`;
    } catch (error) {
      return `${codeOf(error)} ${(error as { field?: string }).field ?? ''}`;
    }
  },

  /** Whether `signature` over `message` verifies with `suite`'s WebCrypto primitives. */
  async verifies(
    suite: app.SuiteName,
    publicKey: string,
    message: string,
    signature: string,
  ): Promise<boolean> {
    return webPrimitives
      .suite(suite)
      .verify(fromBase64(publicKey), fromBase64(message), fromBase64(signature));
  },

  /** Signs `message` with a published PKCS#8 private key, for Node to verify. */
  async sign(suite: app.SuiteName, privateKey: string, message: string): Promise<string> {
    return toBase64(await webPrimitives.suite(suite).sign(fromBase64(privateKey), fromBase64(message)));
  },
};

Object.assign(steps, vectorSteps);

export type Steps = typeof steps & typeof vectorSteps;
