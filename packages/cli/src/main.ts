/** The `anchorpost` command: dispatches to one command module and turns any failure into one line. */
import { cidCommand } from './commands/cid.ts';
import { CONTACT_USAGE, contactCommand } from './commands/contact.ts';
import { ERGO_USAGE, ergoCommand } from './commands/ergo.ts';
import { GROUP_USAGE, groupCommand } from './commands/group.ts';
import { KEYS_USAGE, keysCommand } from './commands/keys.ts';
import { MERKLE_USAGE, merkleCommand } from './commands/merkle.ts';
import { PEER_USAGE, peerCommand } from './commands/peer.ts';
import { PROOF_USAGE, proofCommand } from './commands/proof.ts';
import { RELEASE_USAGE, releaseCommand } from './commands/release.ts';
import { SEND_USAGE, sendCommand } from './commands/send.ts';
import { SPONSOR_USAGE, sponsorCommand } from './commands/sponsor.ts';
import { SUBSCRIBE_USAGE, subscribeCommand } from './commands/subscribe.ts';
import { TENANT_USAGE, tenantCommand } from './commands/tenant.ts';
import { TX_USAGE, txCommand } from './commands/tx.ts';
import { VERIFY_USAGE, verifyCommand } from './commands/verify.ts';
import { VOTE_USAGE, voteCommand } from './commands/vote.ts';
import { failureLine, UsageError } from './failure.ts';

const USAGE = `usage:
  ${KEYS_USAGE}
  ${CONTACT_USAGE}
  ${GROUP_USAGE}
  ${TX_USAGE}
  anchorpost cid FILE
  ${MERKLE_USAGE}
  ${VERIFY_USAGE}
  ${SEND_USAGE}
  ${SUBSCRIBE_USAGE}
  ${TENANT_USAGE}
  ${PEER_USAGE}
  ${SPONSOR_USAGE}
  ${PROOF_USAGE}
  ${ERGO_USAGE}
  ${RELEASE_USAGE}
  ${VOTE_USAGE}

Every failure is one line on stderr, ERROR <code> <field>: <message>; exit 1 (2 for a usage mistake).
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  keys: keysCommand,
  contact: contactCommand,
  group: groupCommand,
  tx: txCommand,
  cid: cidCommand,
  merkle: merkleCommand,
  verify: verifyCommand,
  send: sendCommand,
  subscribe: subscribeCommand,
  tenant: tenantCommand,
  peer: peerCommand,
  sponsor: sponsorCommand,
  proof: proofCommand,
  ergo: ergoCommand,
  release: releaseCommand,
  vote: voteCommand,
};

/** Runs one command and returns the process exit code; never throws. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  try {
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command '${name}'; run 'anchorpost --help'`);
    return await command(args);
  } catch (error) {
    const { line, exitCode } = failureLine(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
