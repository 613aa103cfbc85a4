/**
 * Prisma's own schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`), driven
 * through a driver adapter instead of its native binary: the same code `prisma migrate` runs,
 * so the SQL it writes and the `_prisma_migrations` rows it keeps are Prisma's, and it needs no
 * download. The Wasm module is instantiated by hand rather than imported as an ES module so
 * that Node does not need (or warn about) its experimental Wasm-module support.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** The slice of the WebAssembly global used here (TypeScript's ES lib does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: Promise<typeof bindings> | undefined;
/** The engine reports a Rust panic's message here before it throws. */
let lastPanic: string | undefined;

function loadBindings(): Promise<typeof bindings> {
  loaded ??= (async () => {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const wasmPath = fileURLToPath(
      new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm')),
    );
    const module = await wasmApi.compile(await readFile(wasmPath));
    const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    return bindings;
  })();
  return loaded;
}

export interface OpenedSchemaEngine {
  engine: SchemaEngine;
  /**
   * The driver error behind an engine error: the engine only reports "External error id#N" for
   * what the adapter threw, and keeps the error itself in the adapter's registry.
   */
  causeOf(error: unknown): unknown;
}

export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<OpenedSchemaEngine> {
  const { SchemaEngine } = await loadBindings();
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: undefined }, log, bound);
  return {
    // wasm-bindgen builds the instance inside the static `new`; the constructor is private.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    engine,
    causeOf(error) {
      if (lastPanic !== undefined) {
        const panic = new Error(`schema engine panicked: ${lastPanic}`);
        lastPanic = undefined;
        // A Wasm instance that panicked is not safe to reuse: the next engine gets a fresh one.
        loaded = undefined;
        return panic;
      }
      const match = /External error id#(\d+)/.exec(error instanceof Error ? error.message : String(error));
      if (match === null) return undefined;
      const consumed = bound.errorRegistry.consumeError(Number(match[1]));
      return consumed?.error;
    },
  };
}
