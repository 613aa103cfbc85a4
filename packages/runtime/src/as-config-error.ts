/**
 * The adapters' config readers each throw their own package's error (BusError, StorageError,
 * ChainError BAD_CONFIG, DbError INVALID_ARGUMENT), all with the variable first in the message.
 * A stand-alone main reports every one the same way, as ConfigError naming the variable.
 */
import { ConfigError } from '@anchorpost/service-kit';

const LEADING_VARIABLE = /^(ANCHORPOST_[A-Z0-9_]+)[:\s]+([\s\S]*)$/;

export function asConfigError(error: unknown, fallbackKey: string): ConfigError {
  if (error instanceof ConfigError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = LEADING_VARIABLE.exec(message);
  return match ? new ConfigError(match[1]!, match[2]!) : new ConfigError(fallbackKey, message);
}

/** Runs one config reader, turning whatever it throws into a ConfigError. */
export function readConfig<T>(fallbackKey: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw asConfigError(error, fallbackKey);
  }
}
