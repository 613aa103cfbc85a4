/** @anchorpost/relay-service/testing — a real relay in the test's process, for the relay's clients' tests. */
export { startRelayInstance } from './relay-instance.ts';
export type { RelayInstance } from './relay-instance.ts';
