/**
 * Transaction-file throughput on one core: what a relay pays to validate a file from a stranger
 * (parse + schema), and what a member pays to open one (decrypt, HMACs, state chain, signatures),
 * for each suite. Baseline in the same run: plain `yaml` parsing of the same bytes, with none of
 * our safety checks, so the ratio shows what the checks cost.
 */
import { parse as parseYamlUnchecked } from 'yaml';
import { createGroup } from '../src/crypto/group.ts';
import { generateIdentity } from '../src/crypto/identity.ts';
import { buildTxFile } from '../src/tx-file/build.ts';
import { openTxFile } from '../src/tx-file/open.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { SUITES } from '../src/tx-file/schema.ts';
import { bench, figure, note, ratio } from './harness.ts';

const text = (s: string) => new TextEncoder().encode(s);

export async function run(): Promise<void> {
  note('single-threaded: figures are per core');
  for (const suite of SUITES) {
    const [alice, bob, app] = await Promise.all([
      generateIdentity(suite),
      generateIdentity(suite),
      generateIdentity(suite),
    ]);
    const { keys } = await createGroup(suite, [alice.public, bob.public]);
    const tx = buildTxFile({
      group: keys,
      senders: [alice],
      client: app,
      blockchain: {
        lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
      },
      message: { header: text('Subject'), data: new Uint8Array(1024).fill(42) },
    });
    const bytes = serializeTxFile(tx);
    note(`${suite}: a tx-file with a 1 KiB body is ${bytes.byteLength} bytes`);

    const n = suite === 'modern' ? 5_000 : 500;
    const validateMs = await bench(
      `tx-file ${suite}: validate ×${n}`,
      () => {
        for (let i = 0; i < n; i++) parseTxFile(bytes);
      },
      { warmup: 1, runs: 3 },
    );
    const baselineMs = await bench(
      `tx-file ${suite}: baseline yaml.parse (no checks) ×${n}`,
      () => {
        for (let i = 0; i < n; i++) parseYamlUnchecked(new TextDecoder().decode(bytes));
      },
      { warmup: 1, runs: 3 },
    );
    figure(`tx-file ${suite}: validate`, (n / validateMs) * 1000, 'files/s');
    ratio(`tx-file ${suite}: validate time / bare yaml.parse time`, validateMs, baselineMs);

    const parsed = parseTxFile(bytes);
    const m = suite === 'modern' ? 2_000 : 100;
    const openMs = await bench(
      `tx-file ${suite}: open (decrypt + verify) ×${m}`,
      () => {
        for (let i = 0; i < m; i++) openTxFile(parsed, { group: keys, clientKey: () => app.public });
      },
      { warmup: 1, runs: 3 },
    );
    figure(`tx-file ${suite}: open`, (m / openMs) * 1000, 'files/s');
  }
}
