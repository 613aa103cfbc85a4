// The send → deliver bench's clients (bench/send-deliver.ts), in a worker thread so that their
// requests and event streams do not share the bench's event loop with the Kafka baseline's clients.
import { parentPort, workerData } from 'node:worker_threads';
import { runOpenLoop, type OpenLoopInput } from '@anchorpost/relay-service/testing';

parentPort?.postMessage(await runOpenLoop(workerData as OpenLoopInput));
