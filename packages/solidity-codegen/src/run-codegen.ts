/**
 * The body of a package's `codegen` script: its contracts/ into its src/generated/, or (for the
 * codegen tests only) `--source-dir <dir> --out-dir <dir>`. Failures print one line and set a
 * non-zero exit code, so `npm run build` stops there.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileContracts } from './compile-contracts.ts';
import type { CompileContractsOptions } from './compile-contracts.ts';

export type CodegenSettings = Omit<
  CompileContractsOptions,
  'packageDir' | 'sourceDir' | 'outDir' | 'scriptText'
>;

/** `scriptUrl`: the calling script's `import.meta.url`, in the package's scripts/ folder. */
export async function runCodegen(scriptUrl: string, settings: CodegenSettings): Promise<void> {
  const scriptPath = fileURLToPath(scriptUrl);
  const packageDir = join(dirname(scriptPath), '..');
  const { values: cli } = parseArgs({
    options: { 'source-dir': { type: 'string' }, 'out-dir': { type: 'string' } },
  });
  try {
    await compileContracts({
      ...settings,
      packageDir,
      sourceDir: cli['source-dir'] ?? join(packageDir, 'contracts'),
      outDir: cli['out-dir'] ?? join(packageDir, 'src', 'generated'),
      scriptText: await readFile(scriptPath, 'utf8'),
    });
  } catch (error) {
    console.error(`codegen failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
