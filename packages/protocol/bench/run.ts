/**
 * `npm run bench` (node bench/run.ts [filter]): runs every bench/*.bench.ts in name order, one
 * after another so they do not disturb each other, and prints one line per figure. A bench file
 * exports `run(): Promise<void>`; pass part of a file name to run only matching files.
 */
import { readdirSync } from 'node:fs';

interface BenchModule {
  run: () => Promise<void>;
}

const filter = process.argv[2] ?? '';
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts') && name.includes(filter))
  .sort();

console.log(
  `node ${process.version}, ${process.platform}/${process.arch}; bench files: ${files.join(', ') || 'none'}`,
);
for (const file of files) {
  console.log(`\n== ${file}`);
  const module = (await import(new URL(file, dir).href)) as BenchModule;
  await module.run();
}
