// One leader-election candidate, elected as the anchorer elects (services/anchorer/src/main.ts):
// electionConfigFromEnv + electionFactory from the environment the chart gives the pod, the Lease
// reached through KUBECONFIG. The process the API-server test starts twice and SIGKILLs; it prints
// one JSON line per event on stdout ({ event, identity, at }, `at` in wall-clock ms) and, on
// SIGTERM, steps down and releases the Lease as the service does.
import { electionConfigFromEnv, electionFactory } from '@anchorpost/leader-election';

const config = electionConfigFromEnv(process.env, 'anchorer');
const factory = electionFactory(config);
if (factory === undefined) throw new Error('lease-candidate: ANCHORPOST_LEADER_ELECTION is off');

function say(event: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, identity: config.identity, at: Date.now(), ...extra })}\n`);
}

function statusOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

const elector = factory({
  onStartedLeading: () => {
    say('started');
  },
  onStoppedLeading: () => {
    say('stopped');
  },
  onError: (error) => {
    say('error', { status: statusOf(error), message: String(error).slice(0, 300) });
  },
});
elector.start();
say('campaigning');
process.once('SIGTERM', () => {
  void elector.close().then(() => {
    say('closed');
    process.exit(0);
  });
});
