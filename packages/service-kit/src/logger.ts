/**
 * Structured JSON logs (pino): one object per line with the service name, and the request id when a
 * request is being served. Known secret-bearing fields are redacted, and so are secrets inside an
 * error's text (`err`: message, stack, and its other string properties; see redact-secrets.ts).
 */
import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from './redact-secrets.ts';
import { currentRequestId } from './request-context.ts';

export type { Logger };

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const loggerConfigSchema = {
  /** fatal … trace, or silent; info when unset or not a level (a log level never stops a service). */
  level: { kind: 'string', env: 'ANCHORPOST_LOG_LEVEL', default: 'info' },
} as const satisfies ConfigSchema;

function defaultLevel(): string {
  const { level } = loadConfig(loggerConfigSchema, process.env);
  return LEVELS.has(level) ? level : 'info';
}

export function createLogger(
  service: string,
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? defaultLevel(),
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
      serializers: { err: serializeError, error: serializeError },
      redact: {
        paths: [
          'apiKey',
          '*.apiKey',
          'headers.authorization',
          '*.headers.authorization',
          'privateKey',
          '*.privateKey',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

function redactStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactStrings(item, depth + 1)]),
  );
}

/** pino's error serializer (type, message, stack, cause, own properties), secrets redacted. */
function serializeError(error: unknown): unknown {
  const serialized = error instanceof Error ? pino.stdSerializers.err(error) : error;
  return redactStrings(serialized, 0);
}

/** Lets NestJS write its own messages through the same JSON logger. */
export function nestLogger(logger: Logger): LoggerService {
  const write =
    (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]) => {
      const context = rest.find((value): value is string => typeof value === 'string');
      logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
    };
  return {
    log: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}
