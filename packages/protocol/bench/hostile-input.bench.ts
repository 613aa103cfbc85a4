/**
 * What refusing hostile input costs, and that the cost grows linearly with the input: each hostile
 * Votes file of test/fixtures/voting/votes-file-inputs.ts at 1 MiB and at 8 MiB, and the
 * tx-file depth and token bombs. The same-run baseline of each Votes row is the 1 MiB refusal; the
 * ratio should be about 8 (quadratic work would show about 64). The tests check each refusal's code
 * and where it stopped; only here is it timed.
 */
import { parseTxFile } from '../src/tx-file/parse.ts';
import { parseVotesFile, serializeVotesFile } from '../src/voting/index.ts';
import { hostileVotesFiles, manyVotes } from '../test/fixtures/voting/votes-file-inputs.ts';
import { bench, note, ratio } from './harness.ts';

const MIB = 1024 * 1024;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function refuse(parse: () => unknown): void {
  try {
    parse();
  } catch {
    return;
  }
  throw new Error('hostile input was accepted');
}

export async function run(): Promise<void> {
  note('votes file: refusing each hostile shape at 1 MiB and 8 MiB (ratio ≈ 8 means linear)');
  const small = hostileVotesFiles(MIB);
  const large = hostileVotesFiles(8 * MIB);
  for (const [index, shape] of small.entries()) {
    const smallBytes = encode(shape.text);
    const largeBytes = encode(large[index]!.text);
    const runs = { runs: 5, warmup: 1 };
    const oneMib = await bench(
      `votes file refused, ${shape.name}, 1 MiB`,
      () => {
        refuse(() => parseVotesFile(smallBytes));
      },
      runs,
    );
    const eightMib = await bench(
      `votes file refused, ${shape.name}, 8 MiB`,
      () => {
        refuse(() => parseVotesFile(largeBytes));
      },
      runs,
    );
    ratio(`votes file refused, ${shape.name}: 8 MiB / 1 MiB`, eightMib, oneMib);
  }

  const votesFile = serializeVotesFile({
    version: '0.1',
    voting: 'f'.repeat(128),
    lastblock: 42,
    votes: manyVotes(100_000),
  });
  note(`votes file: a canonical file of 100,000 votes is ${(votesFile.byteLength / MIB).toFixed(1)} MiB`);
  await bench('votes file: parse 100,000 votes (canonical required)', () =>
    parseVotesFile(votesFile, { requireCanonical: true }),
  );

  note('tx-file: bombs are refused where they pass a limit (16 levels, 80,000 tokens)');
  const bombs: Array<[string, string]> = [
    ['100,000 open brackets', '['.repeat(100_000)],
    ['400,000 compact list items', `${'- '.repeat(400_000)}x\n`],
    ['a megabyte of comment lines', '#\n'.repeat(500_000)],
  ];
  for (const [name, text] of bombs) {
    const bytes = encode(text);
    await bench(
      `tx-file refused, ${name}`,
      () => {
        refuse(() => parseTxFile(bytes));
      },
      { runs: 5, warmup: 1 },
    );
  }
}
