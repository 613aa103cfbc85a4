/**
 * The main of a stand-alone service process, shared by every service: check the service's and its
 * adapters' settings (a bad one → `ERROR BAD_CONFIG <VAR>: …`, exit 2, before anything is opened),
 * open only the adapters it needs, start it, and on SIGTERM/SIGINT close the service and then the
 * adapters, exit 0. Any other failure → `ERROR <CODE> -: …`, exit 1.
 *
 * Signals are handled here, not by Nest's shutdown hooks: those close only the HTTP app and then
 * re-raise the signal, which would skip the service's loops, its adapters and a clean exit code.
 */
import { ConfigError } from '@anchorpost/config';
import { createLogger, type Logger, type RunningService } from '@anchorpost/service-kit';
import { readAdapterConfig, type AdapterConfig, type AdapterName } from './adapter-config.ts';
import { openAdapters, type Adapters, type OpenAdapters } from './open-adapters.ts';
import { stopOnSignals } from './stop-on-signals.ts';

/** What a service main and a one-off service command share. */
interface ServiceProcessOptions<N extends AdapterName, C> {
  /** Lower-case service name, as in its logs and metrics. */
  service: string;
  /** The adapters it runs on; only these are configured and opened. */
  needs: readonly N[];
  /** Its own settings (`loadConfig(<name>ConfigSchema, env)`); throw ConfigError on a bad one. */
  config(env: NodeJS.ProcessEnv): C | Promise<C>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** What the service's start or command is handed. */
export interface ServiceContext<N extends AdapterName, C> {
  config: C;
  adapters: Pick<Adapters, N>;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

export interface ServiceMainOptions<N extends AdapterName, C> extends ServiceProcessOptions<N, C> {
  /** Starts it on the open adapters; it must not handle signals itself. */
  start(context: ServiceContext<N, C>): Promise<RunningService>;
}

/** The one-line error of the command line, and its exit code. */
export function reportFailure(error: unknown): { line: string; exitCode: 1 | 2 } {
  if (error instanceof ConfigError) {
    // The message already begins with the variable; show it once.
    const prefix = `${error.key}: `;
    const why = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { line: `ERROR BAD_CONFIG ${error.key}: ${why}`, exitCode: 2 };
  }
  const { code } = (error ?? {}) as { code?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  return { line: `ERROR ${typeof code === 'string' ? code : 'INTERNAL'} -: ${message}`, exitCode: 1 };
}

function exitWith(error: unknown): never {
  const { line, exitCode } = reportFailure(error);
  process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}

/** Checks every setting before anything is opened; a bad one ends the process (exit 2). */
async function readSettings<N extends AdapterName, C>(
  options: ServiceProcessOptions<N, C>,
): Promise<{ env: NodeJS.ProcessEnv; logger: Logger; config: C; adapterConfig: AdapterConfig }> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(options.service);
  try {
    return {
      env,
      logger,
      config: await options.config(env),
      adapterConfig: readAdapterConfig(env, options.needs),
    };
  } catch (error) {
    exitWith(error);
  }
}

export async function runServiceMain<N extends AdapterName, C>(
  options: ServiceMainOptions<N, C>,
): Promise<void> {
  const { env, logger, config, adapterConfig } = await readSettings(options);
  let adapters: OpenAdapters<N>;
  try {
    adapters = await openAdapters<N>(adapterConfig, logger);
  } catch (error) {
    exitWith(error);
  }
  let service: RunningService;
  try {
    service = await options.start({ config, adapters, logger, env });
  } catch (error) {
    await adapters.close();
    exitWith(error);
  }

  stopOnSignals(logger, async () => {
    try {
      await service.close();
    } finally {
      await adapters.close();
    }
  });
}

export interface ServiceTaskOptions<N extends AdapterName, C, R> extends ServiceProcessOptions<N, C> {
  /** The one-off work (e.g. the parser's `rebuild`); its result is printed as one JSON line. */
  run(context: ServiceContext<N, C>): Promise<R>;
}

/**
 * A one-off command of a service on the same settings and adapters as the service itself: check
 * the settings (exit 2 on a bad one), open the adapters, run, close them, print the result as one
 * JSON line, exit 0; any failure → `ERROR <CODE> -: …`, exit 1.
 */
export async function runServiceTask<N extends AdapterName, C, R>(
  options: ServiceTaskOptions<N, C, R>,
): Promise<void> {
  const { env, logger, config, adapterConfig } = await readSettings(options);
  let result: R;
  try {
    const adapters = await openAdapters<N>(adapterConfig, logger);
    try {
      result = await options.run({ config, adapters, logger, env });
    } finally {
      await adapters.close();
    }
  } catch (error) {
    exitWith(error);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
