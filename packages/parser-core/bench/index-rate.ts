/**
 * How fast the parser indexes one anchored batch into the index: N real tx-files (default
 * 20,000; `node bench/index-rate.ts 100000`) and their batch-file in a content store, then one
 * AnchorIndexer run (verify the batch-file, fetch and parse every tx-file, write the tx_file,
 * batch_entry and tree rows). Beside it, in the same run and over the same files: the bare store
 * reads at the same concurrency (as `getFile`, the way the parser read every tx-file before it read
 * raw leaves as blocks), the bare index writes of the same rows, and the bare `exportDag` of the
 * batch (the one stream the parser now reads tx-files from). Parse threads:
 * ANCHORPOST_BENCH_PARSE_THREADS (default: the parser's). Database:
 * ANCHORPOST_BENCH_DATABASE_URL (an empty database; migrated here), else embedded PGlite. Store:
 * ANCHORPOST_BENCH_KUBO_URL (a Kubo RPC API), else an embedded Helia store in a temp dir. Writes
 * bench-results/parser-index.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainAnchor } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import {
  buildTxFile,
  createGroup,
  encodeBatchFile,
  generateIdentity,
  serializeTxFile,
  toHex,
} from '@anchorpost/protocol';
import { connectKubo, openHeliaContentStore } from '@anchorpost/storage';
import type { ContentStore } from '@anchorpost/storage';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { AnchorIndexer } from '../src/anchor-indexer.ts';
import { ContentFetcher } from '../src/content-fetcher.ts';
import { MAX_TX_FILE_BYTES, resolveParserOptions } from '../src/parser-options.ts';
import { TxFileParsing } from '../src/tx-file-parsing.ts';
import { toTxFileRecord } from '../src/tx-file-record.ts';

const files = Number(process.argv[2] ?? 20_000);
const dir = await mkdtemp(join(tmpdir(), 'anchorpost-parser-bench-'));
const kuboUrl = process.env['ANCHORPOST_BENCH_KUBO_URL'];
const externalDb = process.env['ANCHORPOST_BENCH_DATABASE_URL'];
// The parser's parse threads (ANCHORPOST_PARSER_PARSE_THREADS); 0 parses on the event loop.
const parseThreadsEnv = process.env['ANCHORPOST_BENCH_PARSE_THREADS'];
// The parser's defaults (concurrency, chunk, retries); the chain is not read here.
const defaults = resolveParserOptions({
  reader: { id: 'evm:bench' } as never,
  blocks: {} as never,
  store: {} as never,
  index: {} as never,
  contract: '0x0',
  startBlock: 0,
});

const store: ContentStore =
  kuboUrl === undefined
    ? await openHeliaContentStore({ dir: join(dir, 'ipfs') })
    : connectKubo({ url: kuboUrl });
const pg = externalDb === undefined ? await startEmbeddedPostgres({ dataDir: join(dir, 'pg') }) : undefined;
const databaseUrl = externalDb ?? pg!.databaseUrl;
await migrate(databaseUrl);
const db = createDatabase({ databaseUrl, poolSize: pg === undefined ? 8 : EMBEDDED_POOL_SIZE });

try {
  // One real tx-file, then N variants of it (another lastblock height each: another CID). The
  // parser parses and indexes; it does not check signatures, so the variants are as good as real.
  const [alice, app] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
  const { keys } = await createGroup('modern', [alice.public]);
  const template = buildTxFile({
    group: keys,
    senders: [alice],
    client: app,
    blockchain: {
      lastblock: { height: 1000, signature: 'a'.repeat(64) },
      trustedblock: { height: 990, signature: 'b'.repeat(64) },
    },
    message: { data: new TextEncoder().encode('a benchmark message') },
  });
  const preparing = performance.now();
  const cids: string[] = [];
  for (let from = 0; from < files; from += 500) {
    const adds: Promise<string>[] = [];
    for (let n = from; n < Math.min(files, from + 500); n++) {
      const tx = {
        ...template,
        blockchain: {
          ...template.blockchain,
          lastblock: { ...template.blockchain.lastblock, height: 1000 + n },
        },
      };
      adds.push(store.addFile(serializeTxFile(tx), { pin: true }));
    }
    cids.push(...(await Promise.all(adds)));
  }
  // A platform of its own per run: batch 0 of it, whatever an earlier run left in the database.
  const header = {
    platform: `bench-${Date.now().toString(36)}`,
    sequence: 0,
    previous: null,
    sealedAt: new Date().toISOString(),
  };
  let batchCid = '';
  let root = '';
  for await (const block of encodeBatchFile(header, cids)) {
    await store.putBlock(block.cid, block.bytes);
    if (block.kind === 'root') {
      batchCid = block.cid.toString();
      root = toHex(block.root.merkleRoot);
    }
  }
  const prepareSeconds = (performance.now() - preparing) / 1000;

  const report = new BenchReport('parser-index');
  const signal = new AbortController().signal;
  const fetcher = new ContentFetcher({
    store,
    timeoutMs: defaults.storageTimeoutMs,
    retry: defaults.storageRetry,
    sleep: defaults.sleep,
    signal,
    observer: undefined,
  });

  // Baseline 1: every tx-file read from the store and parsed, at the parser's concurrency.
  const reading = performance.now();
  const rows = new Array<ReturnType<typeof toTxFileRecord>>(files);
  let next = 0;
  await Promise.all(
    Array.from({ length: defaults.txFileConcurrency }, async () => {
      while (next < files) {
        const i = next++;
        const bytes = await store.getFile(cids[i]!, { maxBytes: MAX_TX_FILE_BYTES });
        rows[i] = toTxFileRecord(cids[i]!, bytes, -1, i);
      }
    }),
  );
  const readPerSecond = files / ((performance.now() - reading) / 1000);

  // Baseline 2: the same rows written by the index repository alone (another batch sequence,
  // other CIDs: the run below must find them new).
  const bare = rows.map((row, i) => ({ ...row, cid: `${header.platform}-bare-${i}`, batchSequence: -1 }));
  const writing = performance.now();
  for (let start = 0; start < bare.length; start += defaults.txFileChunk) {
    await db.index.recordTxFiles(bare.slice(start, start + defaults.txFileChunk));
  }
  const writePerSecond = files / ((performance.now() - writing) / 1000);

  // Baseline 3: the batch's whole DAG as one stream (what the indexer now reads tx-files from).
  const exporting = performance.now();
  let exported = 0;
  for await (const block of store.exportDag(batchCid)) exported += block.bytes.byteLength > 0 ? 1 : 0;
  const exportPerSecond = files / ((performance.now() - exporting) / 1000);
  if (exported < files) throw new Error(`exportDag gave ${exported} blocks for ${files} tx-files`);

  const parseThreads = parseThreadsEnv === undefined ? defaults.parseThreads : Number(parseThreadsEnv);
  const parsing = new TxFileParsing(parseThreads);

  const indexer = new AnchorIndexer({
    index: db.index,
    fetcher,
    chain: 'evm',
    chainId: 'bench',
    contract: '0x0000000000000000000000000000000000000000',
    duplicateCheck: defaults.duplicateCheck,
    txFileConcurrency: defaults.txFileConcurrency,
    txFileChunk: defaults.txFileChunk,
    parsing,
    observer: {
      txFilesRead: (event) => {
        reads = event;
      },
    },
    peer: undefined,
  });
  let reads: { bulk: number; single: number; bulkFailure: unknown } | undefined;
  const anchor: ChainAnchor = {
    sequence: header.sequence,
    root,
    batchCid,
    submitter: '0x0000000000000000000000000000000000000001',
    txHash: `0x${'1'.repeat(64)}`,
    blockNumber: 1,
    blockHash: `0x${'2'.repeat(64)}`,
    blockTime: new Date().toISOString(),
    logIndex: 0,
  };
  const indexing = performance.now();
  const outcome = await indexer.index(anchor);
  const indexSeconds = (performance.now() - indexing) / 1000;
  await parsing.close();
  if (outcome.kind !== 'indexed' || outcome.txFilesIndexed !== files) {
    throw new Error(`the bench batch was not indexed whole: ${JSON.stringify(outcome)}`);
  }
  const indexPerSecond = files / indexSeconds;
  const where = `${kuboUrl === undefined ? 'Helia' : 'Kubo'} → ${pg === undefined ? 'PostgreSQL' : 'PGlite'}`;
  const settings = {
    files,
    store: kuboUrl === undefined ? 'helia' : 'kubo',
    database: pg === undefined ? 'postgresql' : 'pglite',
    txFileConcurrency: defaults.txFileConcurrency,
    txFileChunk: defaults.txFileChunk,
    parseThreads,
    readFromBulk: reads?.bulk,
    readSingly: reads?.single,
    prepareSeconds: Number(prepareSeconds.toFixed(1)),
    indexSeconds: Number(indexSeconds.toFixed(2)),
  };
  report.row({
    path: `parser indexing ${files.toLocaleString('en')} files (${where})`,
    measured: indexPerSecond,
    unit: 'files/s',
    baseline: { label: 'bare getFile + parse, same concurrency', value: readPerSecond },
    target: '≥ 20,000 files/s into PostgreSQL',
    details: settings,
  });
  report.row({
    path: `parser indexing ${files.toLocaleString('en')} files, against the bare index writes`,
    measured: indexPerSecond,
    unit: 'files/s',
    baseline: { label: 'bare recordTxFiles of the same rows', value: writePerSecond },
  });
  report.row({
    path: `parser indexing ${files.toLocaleString('en')} files, against the bare DAG export`,
    measured: indexPerSecond,
    unit: 'files/s',
    baseline: { label: 'bare exportDag of the batch', value: exportPerSecond },
  });
  report.row({
    path: `parser rebuild of 1,000,000 files at this rate (extrapolated)`,
    measured: 1_000_000 / indexPerSecond,
    unit: 's',
    target: '≤ 120 s',
  });
  await report.finish();
} finally {
  await db.close();
  await pg?.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
