// The strict reader of TrustRoots v1: normalised to lower case, every wrong field named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProofError } from '../src/proof-error.ts';
import { parseTrustRoots } from '../src/trust-roots.ts';

const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const OWNER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TOKEN = 'AB'.repeat(32);
const MINT = 'cd'.repeat(32);

/** `value` without `key`. */
function without(value: object, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== key));
}

const valid = () => ({
  version: 1,
  platform: 'anchorpost-main',
  evm: [{ chainId: '31337', contract: CONTRACT, submitters: [OWNER] }],
  ergo: [{ network: 'testnet', tokenId: TOKEN, mintTxId: MINT }],
});

function refuses(value: unknown, field: string, message?: RegExp): void {
  assert.throws(
    () => parseTrustRoots(value),
    (error: unknown) => {
      assert.ok(error instanceof ProofError, String(error));
      assert.equal(error.code, 'INVALID_TRUST_ROOTS', error.toLine());
      assert.equal(error.field, field, error.toLine());
      if (message !== undefined) assert.match(error.message, message);
      return true;
    },
  );
}

describe('parseTrustRoots', () => {
  it('reads TrustRoots v1, from JSON text too, with every hex value in lower case', () => {
    const expected = {
      version: 1,
      platform: 'anchorpost-main',
      evm: [{ chainId: '31337', contract: CONTRACT.toLowerCase(), submitters: [OWNER.toLowerCase()] }],
      ergo: [{ network: 'testnet', tokenId: TOKEN.toLowerCase(), mintTxId: MINT }],
    };
    assert.deepEqual(parseTrustRoots(valid()), expected);
    assert.deepEqual(parseTrustRoots(JSON.stringify(valid())), expected);
    // Either chain alone will do.
    assert.deepEqual(parseTrustRoots({ ...valid(), ergo: [] }).ergo, []);
    assert.deepEqual(parseTrustRoots(without(valid(), 'ergo')).ergo, []);
  });

  it('refuses unknown and missing keys at every level, naming them', () => {
    refuses({ ...valid(), contract: CONTRACT }, 'contract', /unknown field/);
    refuses({ ...valid(), evm: [{ ...valid().evm[0], note: 'x' }] }, 'evm[0].note', /unknown field/);
    refuses({ ...valid(), ergo: [{ ...valid().ergo[0], height: 1 }] }, 'ergo[0].height', /unknown field/);
    refuses(without(valid(), 'platform'), 'platform', /missing field/);
    refuses(
      { ...valid(), evm: [without(valid().evm[0]!, 'submitters')] },
      'evm[0].submitters',
      /missing field/,
    );
  });

  it('refuses bad values, naming the field', () => {
    refuses('{', '-', /not valid JSON/);
    refuses([], '-');
    refuses({ ...valid(), version: 2 }, 'version');
    refuses({ ...valid(), platform: 'has spaces' }, 'platform');
    refuses({ ...valid(), evm: [{ ...valid().evm[0], chainId: 31337 }] }, 'evm[0].chainId');
    refuses({ ...valid(), evm: [{ ...valid().evm[0], chainId: '031337' }] }, 'evm[0].chainId');
    refuses({ ...valid(), evm: [{ ...valid().evm[0], contract: '0x1234' }] }, 'evm[0].contract');
    refuses({ ...valid(), evm: [{ ...valid().evm[0], submitters: [] }] }, 'evm[0].submitters');
    refuses({ ...valid(), evm: [{ ...valid().evm[0], submitters: [OWNER, 'me'] }] }, 'evm[0].submitters[1]');
    refuses({ ...valid(), ergo: [{ ...valid().ergo[0], network: 'privnet' }] }, 'ergo[0].network');
    // A private network is one (its anchors carry chain id devnet).
    parseTrustRoots({ ...valid(), ergo: [{ ...valid().ergo[0], network: 'devnet' }] });
    refuses({ ...valid(), ergo: [{ ...valid().ergo[0], tokenId: 'ab' }] }, 'ergo[0].tokenId');
    refuses({ ...valid(), ergo: [{ ...valid().ergo[0], mintTxId: 'zz'.repeat(32) }] }, 'ergo[0].mintTxId');
    refuses({ ...valid(), evm: {} }, 'evm');
  });

  it('refuses roots that trust nothing, and the same root or submitter twice (case aside)', () => {
    refuses({ version: 1, platform: 'p', evm: [], ergo: [] }, '-', /trusts no anchor/);
    const evm = valid().evm[0]!;
    refuses({ ...valid(), evm: [evm, { ...evm, contract: CONTRACT.toLowerCase() }] }, 'evm[1].contract');
    refuses(
      { ...valid(), evm: [{ ...evm, submitters: [OWNER, OWNER.toLowerCase()] }] },
      'evm[0].submitters[1]',
    );
    const ergo = valid().ergo[0]!;
    refuses({ ...valid(), ergo: [ergo, { ...ergo, mintTxId: 'ef'.repeat(32) }] }, 'ergo[1].tokenId');
    // The same contract on another chain is another root.
    assert.equal(parseTrustRoots({ ...valid(), evm: [evm, { ...evm, chainId: '1' }] }).evm.length, 2);
  });
});
