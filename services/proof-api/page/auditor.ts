/**
 * The auditor's page: a proof checked in the browser with the SDK's browser entry (the verifier
 * `anchorpost verify` runs), against the chain nodes and trust roots in the form. The proof comes
 * from the proof API by CID, from a proof file, or for a dropped tx-file by the CID computed here.
 * Bundled at build time (scripts/build-page.ts); the proof API serves it at `/`.
 */
import { checkProofClaims, parseTrustRoots, ProofApiClient, verifyOptionsFor } from '@anchorpost/sdk/browser';
import type { Claim, TrustRoots } from '@anchorpost/sdk/browser';
import { fileCid } from '@anchorpost/sdk/file-cid';
import { checkTxFileSignature } from '@anchorpost/sdk/tx-file-signature';

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

const form = element('check') as HTMLFormElement;
const cidInput = element('cid') as HTMLInputElement;
const txFileInput = element('tx-file') as HTMLInputElement;
const proofFileInput = element('proof-file') as HTMLInputElement;
const signerKeyInput = element('signer-key') as HTMLInputElement;
const drop = element('drop') as HTMLDivElement;
const picked = element('picked') as HTMLParagraphElement;
const evmInput = element('evm') as HTMLInputElement;
const ergoInput = element('ergo') as HTMLInputElement;
const trustInput = element('trust') as HTMLTextAreaElement;
const apiInput = element('api') as HTMLInputElement;
const noLowerBound = element('no-lower-bound') as HTMLInputElement;
const result = element('result');
const verdict = element('verdict') as HTMLParagraphElement;
const claimList = element('claims') as HTMLUListElement;

/** What the user gave besides a typed CID: a proof document and/or a tx-file's computed CID. */
const given: {
  proof?: unknown;
  proofName?: string;
  txFileCid?: string;
  txFileName?: string;
  txFileBytes?: Uint8Array;
  /** The key file as read (JSON, or its text when it is none: the check names it). */
  signerKey?: Promise<unknown>;
  signerKeyName?: string;
} = {};

// Links can preset the form (`?cid=…&evm=…`): an auditor shares what to check, and against what.
const query = new URLSearchParams(location.search);
cidInput.value = query.get('cid') ?? '';
evmInput.value = query.get('evm') ?? '';
ergoInput.value = query.get('ergo') ?? '';
apiInput.value = query.get('api') ?? location.origin;

function showPicked(): void {
  const parts = [
    given.proofName === undefined ? undefined : `proof file ${given.proofName}`,
    given.txFileName === undefined
      ? undefined
      : `tx-file ${given.txFileName} (CID ${given.txFileCid ?? '…'})`,
  ].filter((part) => part !== undefined);
  picked.textContent = parts.length === 0 ? '' : `Using ${parts.join(' and ')}.`;
}

/** A JSON file that parses is taken as a proof; anything else as the tx-file. */
async function takeFile(file: File, as: 'proof' | 'tx-file' | 'either'): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (as !== 'tx-file') {
    try {
      given.proof = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
      given.proofName = file.name;
      showPicked();
      return;
    } catch (error) {
      if (as === 'proof') {
        given.proof = undefined;
        given.proofName = undefined;
        picked.textContent = `${file.name} is not JSON: ${(error as Error).message}`;
        return;
      }
    }
  }
  given.txFileName = file.name;
  given.txFileBytes = bytes;
  given.txFileCid = await fileCid(bytes);
  if (cidInput.value === '') cidInput.value = given.txFileCid;
  showPicked();
}

txFileInput.addEventListener('change', () => {
  const file = txFileInput.files?.[0];
  if (file !== undefined) void takeFile(file, 'tx-file');
});
signerKeyInput.addEventListener('change', () => {
  const file = signerKeyInput.files?.[0];
  if (file === undefined) return;
  given.signerKeyName = file.name;
  given.signerKey = file.text().then((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
});
proofFileInput.addEventListener('change', () => {
  const file = proofFileInput.files?.[0];
  if (file !== undefined) void takeFile(file, 'proof');
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => {
  drop.classList.remove('over');
});
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  for (const file of event.dataTransfer?.files ?? []) void takeFile(file, 'either');
});
// The drop zone is a convenience; from the keyboard it opens the tx-file picker.
drop.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    txFileInput.click();
  }
});

(element('load-trust') as HTMLButtonElement).addEventListener('click', () => {
  void (async () => {
    try {
      const roots = await new ProofApiClient({ url: apiInput.value }).trustRoots();
      trustInput.value = JSON.stringify(roots, null, 2);
    } catch (error) {
      showVerdict(false, `Could not load the published trust roots: ${(error as Error).message}`);
    }
  })();
});

function showVerdict(held: boolean, text: string): void {
  verdict.className = `verdict ${held ? 'held' : 'failed'}`;
  verdict.textContent = text;
}

function claimItem(claim: Pick<Claim, 'title' | 'held' | 'detail' | 'code' | 'field'>): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `claim ${claim.held ? 'held' : 'failed'}`;
  const head = document.createElement('p');
  const status = document.createElement('span');
  status.className = 'status';
  status.textContent = claim.held ? '✔ Holds: ' : '✖ Fails: ';
  const title = document.createElement('strong');
  title.textContent = claim.title;
  head.append(status, title);
  const detail = document.createElement('p');
  detail.textContent = claim.detail;
  item.append(head, detail);
  if (claim.code !== undefined) {
    const code = document.createElement('p');
    const text = document.createElement('code');
    text.textContent = `${claim.code} ${claim.field ?? ''}`.trim();
    code.append(text);
    item.append(code);
  }
  return item;
}

/** The file claim: a dropped tx-file is the proof's tx-file (its CID, computed here). */
function fileClaim(proof: unknown): Claim | undefined {
  if (given.txFileCid === undefined) return undefined;
  const txFile =
    typeof proof === 'object' && proof !== null ? (proof as { txFile?: unknown }).txFile : undefined;
  const held = txFile === given.txFileCid;
  return {
    kind: 'proof',
    title: `${given.txFileName ?? 'the file'} is the proof's tx-file`,
    held,
    detail: held
      ? `its CID, computed in this browser, is ${given.txFileCid}`
      : `its CID is ${given.txFileCid}, the proof is for ${String(txFile)}`,
    code: held ? undefined : 'TX_FILE_MISMATCH',
    field: held ? undefined : 'txFile',
  };
}

/**
 * The signer claim: with a tx-file and a public key file, that key signed the file (as its client
 * or a sender) over its public digest, checked in this browser with WebCrypto.
 */
async function signerClaim(): Promise<Claim | undefined> {
  if (given.txFileBytes === undefined || given.signerKey === undefined) return undefined;
  const file = given.txFileName ?? 'the file';
  try {
    const signer = await checkTxFileSignature(given.txFileBytes, await given.signerKey);
    const who = signer.role === 'client' ? 'its client' : `its sender #${signer.index + 1}`;
    return {
      kind: 'proof',
      title: `${file} is signed by ${who}`,
      held: true,
      detail: `key ${signer.keyId} (${given.signerKeyName ?? 'key file'}, suite ${signer.suite}): its signature verifies over the file's public digest (v${signer.version}), checked in this browser`,
    };
  } catch (error) {
    const { code, field } = error as { code?: unknown; field?: unknown };
    return {
      kind: 'proof',
      title: `${file} is signed by the key in ${given.signerKeyName ?? 'the key file'}`,
      held: false,
      detail: (error as Error).message,
      code: typeof code === 'string' ? code : 'BAD_KEY',
      field: typeof field === 'string' ? field : undefined,
    };
  }
}

function trustRoots(): TrustRoots | undefined {
  const text = trustInput.value.trim();
  return text === '' ? undefined : parseTrustRoots(JSON.parse(text));
}

async function proofToCheck(): Promise<unknown> {
  if (given.proof !== undefined) return given.proof;
  const cid = cidInput.value.trim();
  if (cid === '') throw new Error('give a tx-file CID, a tx-file or a proof file');
  return new ProofApiClient({ url: apiInput.value }).proof(cid);
}

async function check(): Promise<void> {
  claimList.replaceChildren();
  result.setAttribute('aria-busy', 'true');
  result.dataset.state = 'checking';
  verdict.className = 'verdict';
  verdict.textContent = 'Checking…';
  try {
    const proof = await proofToCheck();
    const trust = trustRoots();
    const options = verifyOptionsFor(proof, {
      // No trust roots given: the verifier fails closed (NO_TRUST_ROOTS) and says so.
      trust,
      chains: { evm: evmInput.value.trim() || undefined, ergo: ergoInput.value.trim() || undefined },
      acceptNoLowerBound: noLowerBound.checked,
    });
    const checked = await checkProofClaims(proof, options);
    const claims = [fileClaim(proof), await signerClaim(), ...checked.claims].filter(
      (claim) => claim !== undefined,
    );
    claimList.replaceChildren(...claims.map(claimItem));
    const allHeld = checked.verified !== undefined && claims.every((claim) => claim.held);
    showVerdict(
      allHeld,
      allHeld
        ? `Verified: tx-file ${checked.verified.txFile} is anchored under your trust roots.`
        : `Not verified: ${checked.failure?.message ?? claims.find((claim) => !claim.held)?.detail ?? 'a claim fails'}`,
    );
  } catch (error) {
    showVerdict(false, `Not verified: ${(error as Error).message}`);
  } finally {
    result.setAttribute('aria-busy', 'false');
    result.dataset.state = 'done';
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void check();
});
