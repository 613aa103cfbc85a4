/**
 * What sdk-keys.browser.test.ts runs in Chromium: an app's page publishing, rotating and revoking
 * a user's key through the sponsor with `@anchorpost/sdk/browser-keys` (the user's keys made in
 * the page on WebCrypto, its account an ethers wallet that never holds ETH). The page's origin
 * forwards /rpc to anvil and /sponsor/* to the sponsor service. Each step answers JSON-safe values,
 * or the refusal's code (and the sponsor's own code when it refused).
 */
import { Wallet } from 'ethers';
import { newIdentityWeb, type PrivateIdentity } from '@anchorpost/sdk/browser-app';
import {
  keyRegistryAt,
  keyToPublishWeb,
  publishKey,
  registryRequest,
  revokeKey,
  rotateKey,
  signRotation,
  SponsorClient,
  type KeyPublishing,
  type KeyToPublish,
} from '@anchorpost/sdk/browser-keys';

const origin = (): string => (globalThis as unknown as { location: { origin: string } }).location.origin;
const keys = new Map<string, KeyToPublish & { id: string }>();
let publishing: KeyPublishing;

function refusal(error: unknown): { code: string; apiCode?: string } {
  const { code, apiCode } = error as { code?: string; apiCode?: string };
  return { code: code ?? String(error), ...(apiCode ? { apiCode } : {}) };
}

async function attempt<T>(run: () => Promise<T>): Promise<T | { code: string; apiCode?: string }> {
  try {
    return await run();
  } catch (error) {
    return refusal(error);
  }
}

const key = (name: string): KeyToPublish & { id: string } => keys.get(name)!;

export const steps = {
  /** A fresh account (0 ETH) and the publishing options; answers the account's address. */
  start(registry: string, apiKey: string): string {
    const account = Wallet.createRandom();
    publishing = {
      registry: keyRegistryAt(`${origin()}/rpc`, registry),
      sponsor: new SponsorClient({ url: `${origin()}/sponsor`, apiKey, pollMs: 200 }),
      account,
      timeoutMs: 60_000,
    };
    return account.address;
  },

  /** A user's key made in the page; its id and the public-key.json CID it is published with. */
  async newKey(name: string): Promise<{ id: string; keyCid: string; publicKeyFile: string }> {
    const identity: PrivateIdentity = await newIdentityWeb();
    const made = await keyToPublishWeb(identity);
    const id = (JSON.parse(new TextDecoder().decode(made.publicKeyFile)) as { id: string }).id;
    keys.set(name, { ...made, id });
    return { id, keyCid: made.keyCid, publicKeyFile: new TextDecoder().decode(made.publicKeyFile) };
  },

  async publish(name: string) {
    return attempt(async () => (await publishKey(publishing, key(name))).sponsorship.txHash);
  },

  async rotate(oldName: string, nextName: string) {
    return attempt(
      async () => (await rotateKey(publishing, key(oldName).identity, key(nextName))).sponsorship.txHash,
    );
  },

  /** A Rotation signed by `signerName`'s key (not the current one), posted to the sponsor anyway. */
  async forgedRotation(signerName: string, nextName: string) {
    return attempt(async () => {
      const at = publishing.registry;
      const args = await signRotation(
        at,
        publishing.account.address,
        key(signerName).identity,
        key(nextName),
      );
      return (await publishing.sponsor.submit(await registryRequest(publishing, 'rotate', args))).digest;
    });
  },

  async revoke(name: string) {
    return attempt(async () => (await revokeKey(publishing, key(name).identity)).sponsorship.txHash);
  },
};

export type Steps = typeof steps;
