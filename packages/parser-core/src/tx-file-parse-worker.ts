/**
 * The thread side of TxFileParsing: turns tx-file bytes into index rows off the parser's event
 * loop, a batch of files per message. Stateless: any thread can take any job.
 */
import { serveJobs, toJobFailure } from '@anchorpost/protocol';
import type { ParseAnswer, ParseJob, ParseResult } from './tx-file-parsing.ts';
import { toTxFileRecord } from './tx-file-record.ts';

function parse(file: ParseJob['files'][number]): ParseResult {
  try {
    return { ok: true, row: toTxFileRecord(file.cid, file.bytes, file.batchSequence, file.position) };
  } catch (error) {
    return { ok: false, failure: toJobFailure(error) };
  }
}

serveJobs((job: ParseJob): Promise<ParseAnswer> =>
  Promise.resolve({ id: job.id, results: job.files.map(parse) }),
);
