/**
 * The auditor's page in Chromium, against the platform started here: a real proof verifies; a
 * tampered proof and an anchor outside the trust roots are shown failed with their reasons; a
 * dropped tx-file is matched with its proof by the CID computed in the browser, and its signer
 * checked with the key file given (the client's and the sender's hold, a stranger's fails). And the SDK's
 * browser entry verifies (and refuses) in Chromium as it does in Node. Screenshots go to
 * artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '@anchorpost/service-kit';
import { startPlatform } from '../../src/platform.ts';
import type { Platform } from '../../src/platform.ts';
import { chromiumSkip, launchChromium, SCREENSHOTS } from './chromium.ts';
import { generateIdentity, toPublicKeyFile, type PublicIdentity } from '@anchorpost/protocol';
import { proofOf, sendTxFile, writeDemoTenant, type DemoTenant } from './demo-send.ts';

interface Sent {
  readonly bytes: Uint8Array;
  readonly cid: string;
  readonly proof: { txFile: string; inclusion: { path: string[]; root: string } } & Record<string, unknown>;
}

const skip = chromiumSkip();
let dir: string;
let platform: Platform;
let browser: Browser;
let api: string;
let rpc: string;
let sent: Sent;
let tenant: DemoTenant;

function portsFree(dataDir: string): NodeJS.ProcessEnv {
  const services = ['RELAY_HTTP', 'RELAY_GRPC', 'RELAY_ADMIN', 'RELAY_MANAGEMENT', 'BATCHER', 'ANCHORER'];
  const more = ['PARSER', 'PROOF_API', 'BATCHER_MANAGEMENT', 'ANCHORER_MANAGEMENT', 'PARSER_MANAGEMENT'];
  const zero: Record<string, string> = {};
  for (const name of [...services, ...more, 'PROOF_API_MANAGEMENT']) zero[`ANCHORPOST_${name}_PORT`] = '0';
  return {
    ...process.env,
    ...zero,
    ANCHORPOST_DATA_DIR: dataDir,
    ANCHORPOST_ANVIL_PORT: '0',
    ANCHORPOST_LOG_LEVEL: 'warn',
    ANCHORPOST_BATCH_INTERVAL: '1s',
    ANCHORPOST_EVM_CONFIRMATIONS: '2',
    ANCHORPOST_ANCHORER_TICK_INTERVAL: '300ms',
    ANCHORPOST_PARSER_TRUSTED_DEPTH: '3',
    ANCHORPOST_PARSER_POLL_INTERVAL: '300ms',
  };
}

before(async () => {
  if (skip !== undefined) return;
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-auditor-page-'));
  tenant = await writeDemoTenant(dir);
  platform = await startPlatform({
    logger: createLogger('platform', { destination: { write: () => undefined } }),
    env: portsFree(dir),
  });
  api = platform.endpoints['proof-api.http']!;
  rpc = platform.chain.rpcUrl;
  const { bytes, cid } = await sendTxFile(
    platform.endpoints['relay.http']!,
    tenant,
    'Minutes of the board, 7 Dec',
  );
  sent = { bytes, cid, proof: (await proofOf(api, cid)) as Sent['proof'] };
  browser = await launchChromium();
});

after(async () => {
  if (skip !== undefined) return;
  await browser.close();
  await platform.close();
  await rm(dir, { recursive: true, force: true });
});

/** The page on a phone-sized screen, preset by its query string. */
async function openPage(query: Record<string, string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${api}/?${new URLSearchParams(query).toString()}`);
  return page;
}

/** Loads the published trust roots (or types `roots`), accepts no lower bound, checks by keyboard. */
async function check(page: Page, roots?: unknown): Promise<{ verdict: string; claims: string[] }> {
  if (roots === undefined) {
    await page.getByRole('button', { name: 'Load the published trust roots' }).click();
    await page.waitForFunction(() => (document.querySelector('#trust') as HTMLTextAreaElement).value !== '');
  } else {
    await page.getByLabel('Trust roots you accept (JSON)').fill(JSON.stringify(roots));
  }
  await page.getByLabel('Accept a proof whose "sent after" cannot be established').check();
  await page.focus('#run');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result[data-state="done"]', { timeout: 30_000 });
  return {
    verdict: (await page.textContent('#verdict')) ?? '',
    claims: await page.$$eval('#claims li', (items) =>
      items.map((item) => `${item.classList.contains('held') ? 'HELD' : 'FAILED'} ${item.textContent}`),
    ),
  };
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * Readable on a phone: nothing scrolls sideways on the 390-pixel screen, and every visible text
 * has WCAG AA contrast (4.5:1) against the background it sits on (the first opaque one up).
 */
async function readability(page: Page): Promise<{ width: number; lowContrast: string[] }> {
  return page.evaluate(() => {
    const rgba = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const channel = (v: number) =>
      v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4;
    const luminance = ([r = 0, g = 0, b = 0]: number[]) =>
      0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const background = (element: Element): number[] => {
      for (let at: Element | null = element; at; at = at.parentElement) {
        const color = rgba(getComputedStyle(at).backgroundColor);
        if (color.length === 3 || (color[3] ?? 0) > 0) return color;
      }
      return [255, 255, 255];
    };
    const lowContrast: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const text = [...element.childNodes].some(
        (node) => node.nodeType === 3 && (node.textContent ?? '').trim() !== '',
      );
      if (!text || element.getClientRects().length === 0) continue;
      const [high, low] = [
        luminance(rgba(getComputedStyle(element).color)),
        luminance(background(element)),
      ].sort((a, b) => b - a);
      const ratio = (high! + 0.05) / (low! + 0.05);
      if (ratio < 4.5)
        lowContrast.push(
          `${element.tagName} "${element.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1`,
        );
    }
    return { width: document.documentElement.scrollWidth, lowContrast };
  });
}

async function assertReadable(page: Page): Promise<void> {
  const { width, lowContrast } = await readability(page);
  assert.ok(width <= 390, `the page scrolls sideways on a phone: ${width} px wide`);
  assert.deepEqual(lowContrast, [], 'text below 4.5:1 contrast');
}

describe('the auditor page in Chromium', { skip, timeout: 300_000 }, () => {
  it('labels every control, and verifies a real proof: each claim green, readable on a phone', async () => {
    const page = await openPage({ cid: sent.cid, evm: rpc });
    const unlabelled = await page.$$eval('input, textarea', (controls) =>
      controls
        .filter((control) => (control as HTMLInputElement).labels?.length === 0)
        .map((control) => control.id),
    );
    assert.deepEqual(unlabelled, []);
    const { verdict, claims } = await check(page);
    await shot(page, 'auditor-verified');
    await assertReadable(page);
    assert.match(verdict, new RegExp(`^Verified: tx-file ${sent.cid}`));
    assert.equal(claims.length, 3, claims.join('\n'));
    assert.ok(
      claims.every((claim) => claim.startsWith('HELD')),
      claims.join('\n'),
    );
    assert.match(
      claims[1]!,
      /anchored on EVM chain \d+.*block \d+, \d+ confirmations.*sent by 0x[0-9a-f]{40}/,
    );
    await page.close();
  });

  it('shows a tampered proof file failed with its reason, without the proof API, readably', async () => {
    const path = [...sent.proof.inclusion.path];
    path[0] = path[0] === undefined ? 'ab'.repeat(32) : path[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tampered = { ...sent.proof, inclusion: { ...sent.proof.inclusion, path } };
    const page = await openPage({ evm: rpc });
    await page.setInputFiles('#proof-file', {
      name: 'tampered-proof.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tampered)),
    });
    await page.waitForFunction(
      () => document.querySelector('#picked')?.textContent.includes('tampered') === true,
    );
    const { verdict, claims } = await check(page);
    await shot(page, 'auditor-tampered');
    await assertReadable(page);
    assert.match(verdict, /^Not verified/);
    assert.match(claims[0]!, /^FAILED .*tx-file is in batch.*(BAD_INCLUSION|path)/);
    await page.close();
  });

  it('shows an anchor outside the trust roots failed: UNTRUSTED_ANCHOR', async () => {
    const published = (await (await fetch(`${api}/v1/trust-roots`)).json()) as {
      evm: { submitters: string[] }[];
    };
    const roots = {
      ...published,
      evm: published.evm.map((root) => ({
        ...root,
        submitters: ['0x000000000000000000000000000000000000dead'],
      })),
    };
    const page = await openPage({ cid: sent.cid, evm: rpc });
    const { verdict, claims } = await check(page, roots);
    await shot(page, 'auditor-untrusted-anchor');
    assert.match(verdict, /^Not verified/);
    const anchor = claims.find((claim) => claim.includes('anchored on'))!;
    assert.match(anchor, /^FAILED .*UNTRUSTED_ANCHOR/);
    await page.close();
  });

  it('matches a dropped tx-file with its proof by the CID computed in the browser', async () => {
    const page = await openPage({ evm: rpc });
    const dataTransfer = await page.evaluateHandle((base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], 'minutes.tx.yaml'));
      return transfer;
    }, Buffer.from(sent.bytes).toString('base64'));
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    await page.waitForFunction(
      (cid) => (document.querySelector('#cid') as HTMLInputElement).value === cid,
      sent.cid,
    );
    const { verdict, claims } = await check(page);
    await shot(page, 'auditor-dropped-file');
    assert.match(verdict, /^Verified/);
    assert.match(claims[0]!, new RegExp(`^HELD .*minutes.tx.yaml is the proof's tx-file.*${sent.cid}`));
    await page.close();
  });
});

/** docs/auditors.md's "Verify a demo proof, step by step", as written: its steps by number. */
async function auditorSteps(): Promise<Map<number, string>> {
  const doc = await readFile(fileURLToPath(new URL('../../../../docs/auditors.md', import.meta.url)), 'utf8');
  const section = doc.split('## Verify a demo proof, step by step')[1]!.split('\n## ')[0]!;
  const steps = new Map<number, string>();
  for (const [, number, text] of section.matchAll(/^(\d+)\. ([\s\S]*?)(?=^\d+\. |^To see a failure)/gm)) {
    steps.set(Number(number), text!);
  }
  return steps;
}

describe('docs/auditors.md, followed step by step in Chromium', { skip, timeout: 300_000 }, () => {
  it('verifies the demo proof doing what each step says, on the controls it names', async () => {
    const steps = await auditorSteps();
    assert.deepEqual([...steps.keys()], [1, 2, 3, 4, 5]);
    // Step 1 happened in before(): the platform started, a tx-file sent, its proof anchored.
    assert.match(steps.get(1)!, /anchorpost send tx\.yaml --relay/);
    // Step 2: the link that presets the form, with this platform's proof API and chain node.
    const link = /`(http:\/\/127\.0\.0\.1:7450\/\?cid=<cid>&evm=[^`]+)`/.exec(steps.get(2)!)![1]!;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(
      link
        .replace('http://127.0.0.1:7450', api)
        .replace('<cid>', sent.cid)
        .replace('http://127.0.0.1:8545', rpc),
    );
    // Step 3: the CID is in "Tx-file CID"; the other inputs the step names exist, labelled as it says.
    await page.waitForFunction(
      (cid) => document.querySelector<HTMLInputElement>('#cid')?.value === cid,
      sent.cid,
    );
    assert.equal(await page.getByLabel('Tx-file CID').inputValue(), sent.cid);
    for (const name of ['Or the tx-file itself', "Signer's public key file"]) {
      assert.ok(steps.get(3)!.replace(/\s+/g, ' ').includes(name), name);
      assert.equal(await page.getByLabel(name).count(), 1, name);
    }
    // Step 4: every control named in italics, with the page's own label.
    const prose = steps
      .get(4)!
      .replace(/`[^`]*`/g, '')
      .replace(/\s+/g, ' ');
    const named = [...prose.matchAll(/_([^_]+)_/g)].map((match) => match[1]!);
    assert.deepEqual(named, [
      'EVM JSON-RPC URL',
      'Ergo node URL',
      'Accept a proof whose "sent after" cannot be established',
      'Trust roots you accept',
      'Load the published trust roots',
    ]);
    assert.equal(await page.getByLabel('EVM JSON-RPC URL').inputValue(), rpc);
    assert.equal(await page.getByLabel('Ergo node URL').inputValue(), '', 'left empty, as the step says');
    const run = async () => {
      await page.evaluate(() => {
        document.querySelector('#result')!.setAttribute('data-state', 'stale');
      });
      await page.focus('#run');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#result[data-state="done"]', { timeout: 30_000 });
      return (await page.textContent('#result')) ?? '';
    };
    // "Without trust roots the page fails closed with NO_TRUST_ROOTS".
    assert.match(await run(), /NO_TRUST_ROOTS/);
    await page.getByRole('button', { name: 'Load the published trust roots' }).click();
    await page.waitForFunction(() => (document.querySelector('#trust') as HTMLTextAreaElement).value !== '');
    // "compare it with a copy you got out of band (locally: data/trust.json)".
    assert.match(steps.get(4)!, /locally: `data\/trust\.json`/);
    const outOfBand = JSON.parse(await readFile(join(dir, 'trust.json'), 'utf8')) as unknown;
    assert.deepEqual(
      JSON.parse(await page.getByLabel('Trust roots you accept (JSON)').inputValue()),
      outOfBand,
    );
    // "leave it empty and tick [...]; otherwise the page fails closed with NO_LOWER_BOUND".
    assert.match(await run(), /NO_LOWER_BOUND/);
    await page.getByLabel('Accept a proof whose "sent after" cannot be established').check();
    // Step 5: "Press Check the proof (or Enter on it)": Verified, each claim the step lists green.
    assert.match(steps.get(5)!, /Press _Check the proof_ \(or Enter on it\)/);
    await run();
    await shot(page, 'auditor-docs-step-by-step');
    assert.match((await page.textContent('#verdict')) ?? '', /^Verified/);
    const claims = await page.$$eval('#claims li', (items) =>
      items.map((item) => `${item.classList.contains('held') ? 'HELD' : 'FAILED'} ${item.textContent}`),
    );
    const listed = [...steps.get(5)!.matchAll(/^ {3}- _([^_]+?)(?: N)?_/gm)].map((match) => match[1]!);
    assert.deepEqual(listed.slice(0, 3), [
      'tx-file is in batch',
      'anchored on EVM chain',
      'sent in the time window',
    ]);
    for (const claim of listed.slice(0, 3)) {
      assert.ok(
        claims.some((shown) => shown.startsWith('HELD') && shown.includes(claim)),
        `${claim}: ${claims.join(' | ')}`,
      );
    }
    await page.close();
  });
});

describe("the auditor page checks a dropped tx-file's signer in Chromium", { skip, timeout: 300_000 }, () => {
  /** Gives the page the sent tx-file and `key` as the signer's key file; answers the check. */
  async function checkSigner(key: PublicIdentity, keyName: string) {
    const page = await openPage({ evm: rpc });
    await page.setInputFiles('#tx-file', {
      name: 'minutes.tx.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(sent.bytes),
    });
    await page.waitForFunction(
      (cid) => (document.querySelector('#cid') as HTMLInputElement).value === cid,
      sent.cid,
    );
    await page.setInputFiles('#signer-key', {
      name: keyName,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(toPublicKeyFile(key))),
    });
    return { page, ...(await check(page)) };
  }

  it("holds for the client's key and for the sender's key", async () => {
    const byClient = await checkSigner(tenant.client.public, 'app.public-key.json');
    await shot(byClient.page, 'auditor-signed-by-client');
    assert.match(byClient.verdict, /^Verified/);
    assert.match(
      byClient.claims[1]!,
      /^HELD .*minutes\.tx\.yaml is signed by its client.*verifies over the file's public digest/,
    );
    await byClient.page.close();
    const bySender = await checkSigner(tenant.sender.public, 'sender.public-key.json');
    assert.match(bySender.claims[1]!, /^HELD .*minutes\.tx\.yaml is signed by its sender #1/);
    await bySender.page.close();
  });

  it('fails for a key that signed nothing in the file: BAD_SIGNATURE', async () => {
    const stranger = await generateIdentity('modern');
    const { page, verdict, claims } = await checkSigner(stranger.public, 'stranger.public-key.json');
    await shot(page, 'auditor-signer-unknown');
    assert.match(verdict, /^Not verified/);
    assert.match(claims[1]!, /^FAILED .*stranger\.public-key\.json.*BAD_SIGNATURE/);
    await page.close();
  });
});

describe("the SDK's browser entry in Chromium", { skip, timeout: 120_000 }, () => {
  it('verifies the real proof and refuses the tampered and the untrusted one, with the Node codes', async () => {
    const entry = fileURLToPath(import.meta.resolve('@anchorpost/sdk/browser'));
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'iife',
      globalName: 'AnchorpostSdk',
      platform: 'browser',
      write: false,
    });
    // On the proof API's origin (a secure context for WebCrypto, as for the page), the bundle
    // added beside the page: CSP bypassed for this test's own script only.
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${api}/`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const trust = JSON.parse(await readFile(platform.dirs.trust, 'utf8')) as unknown;
    const outcomes = await page.evaluate(
      async ({ proof, trust, rpc, chainId }) => {
        interface Sdk {
          verifyProof(proof: unknown, options: unknown): Promise<{ txFile: string; trusted: string }>;
        }
        const sdk = (globalThis as unknown as { AnchorpostSdk: Sdk }).AnchorpostSdk;
        const options = { evmRpcUrls: { [chainId]: rpc }, trust, acceptNoLowerBound: true };
        const outcome = (run: Promise<{ txFile: string; trusted: string }>) =>
          run.then(
            (verified) => `ok ${verified.txFile} ${verified.trusted}`,
            (error: unknown) => (error as { code: string }).code,
          );
        const p = proof;
        const tampered = { ...p, inclusion: { ...p.inclusion, root: 'ab'.repeat(32) } };
        return Promise.all([
          outcome(sdk.verifyProof(proof, options)),
          outcome(sdk.verifyProof(tampered, options)),
          outcome(sdk.verifyProof(proof, { ...options, trust: undefined })),
          outcome(sdk.verifyProof(proof, { ...options, minConfirmations: 10_000 })),
        ]);
      },
      { proof: sent.proof, trust, rpc, chainId: String(platform.chain.chainId) },
    );
    assert.deepEqual(outcomes, [
      `ok ${sent.cid} trust-roots`,
      'BAD_INCLUSION',
      'NO_TRUST_ROOTS',
      'TOO_FEW_CONFIRMATIONS',
    ]);
    await page.close();
  });
});
