/** `@anchorpost/service-kit/testing`: helpers for services' tests (not for production code). */
export { startTcpGate, type TcpGate } from './tcp-gate.ts';
