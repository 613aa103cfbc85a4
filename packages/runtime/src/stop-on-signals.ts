/**
 * How a process that runs services stops: on the first SIGTERM or SIGINT it closes what it runs,
 * then exits 0 (1 when closing failed); a second signal does not hurry it. Handled here, not by
 * Nest's shutdown hooks, which would close only the HTTP app and then re-raise the signal.
 */
import type { Logger } from '@anchorpost/service-kit';

export function stopOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write('stopping already; a second signal does not hurry it\n');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
