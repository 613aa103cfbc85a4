/**
 * What test/browser-voting.test.ts runs in Chromium: ../voting-runtime.ts over the browser entries
 * (`@anchorpost/sdk/browser-voting`, keys and groups from `@anchorpost/sdk/browser-app`).
 */
import { joinGroupWeb, parsePrivateKeyFileWeb } from '../../src/browser-app.ts';
import { castVote, closeVoting, newVoting, tallyVoting } from '../../src/browser-voting.ts';
import { votingRuntime } from '../voting-runtime.ts';

export const runtime = votingRuntime({
  readKey: (file) => parsePrivateKeyFileWeb(file),
  join: joinGroupWeb,
  newVoting,
  castVote,
  tallyVoting,
  closeVoting,
});
