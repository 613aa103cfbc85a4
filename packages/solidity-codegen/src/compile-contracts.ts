/**
 * Codegen: compiles a package's contracts/*.sol with the pinned npm `solc` (standard JSON,
 * optimizer on, pinned EVM version) and writes src/generated/<contract>.ts (ABI, bytecode,
 * compiler, source hash). Any compiler error, and any warning about the package's own sources,
 * fails the build; a warning inside a pinned library (which nobody here can edit) is printed and
 * let through, so a new solc's deprecation notes about OpenZeppelin do not block a build. Skips work when every
 * generated file already matches its inputs (the fingerprint in its header); otherwise compiles
 * all stale targets in one solc run, since loading soljson and the imported libraries dominates.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

export interface ContractTarget {
  /** File name under the source directory, e.g. `AnchorpostAnchor.sol`. */
  readonly source: string;
  readonly contract: string;
  /** File name under the output directory, e.g. `anchorpost-anchor.ts`. */
  readonly output: string;
  /** Names the exports: `<prefix>Abi`, `<prefix>Bytecode`, `<prefix>DeployedBytecode`, `<prefix>Build`. */
  readonly exportPrefix: string;
}

export interface CompileContractsOptions {
  /** The package the contracts belong to (its Prettier settings format the output). */
  readonly packageDir: string;
  readonly sourceDir: string;
  readonly outDir: string;
  readonly targets: readonly ContractTarget[];
  /** Pinned together with each source's `pragma solidity` line. */
  readonly solcVersion: string;
  readonly evmVersion: string;
  readonly optimizerRuns: number;
  /**
   * npm packages whose Solidity files the sources may import by package path
   * (`@openzeppelin/contracts/...`). Nothing else is readable by the compiler, and each package's
   * installed version is part of the fingerprint, so an upgrade recompiles.
   */
  readonly libraries?: readonly string[];
  /** The calling script's own text: a change to its targets or settings invalidates the outputs. */
  readonly scriptText: string;
}

interface SolcMessage {
  severity: 'error' | 'warning' | 'info';
  formattedMessage?: string;
  message: string;
  sourceLocation?: { file: string };
}

interface SolcContractOutput {
  abi: unknown[];
  evm: { bytecode: { object: string }; deployedBytecode: { object: string } };
}

interface SolcOutput {
  errors?: SolcMessage[];
  contracts?: Record<string, Record<string, SolcContractOutput>>;
}

interface Solc {
  version: () => string;
  compile: (
    input: string,
    callbacks?: { import: (path: string) => { contents?: string; error?: string } },
  ) => string;
}

interface StaleTarget {
  readonly target: ContractTarget;
  readonly source: string;
  readonly fingerprint: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function settingsFor(options: CompileContractsOptions): Record<string, unknown> {
  return {
    optimizer: { enabled: true, runs: options.optimizerRuns },
    evmVersion: options.evmVersion,
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  };
}

async function existingFingerprint(path: string): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    return /^\/\/ fingerprint: ([0-9a-f]{64})$/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/** Package directory and version of each library, resolved from the contracts' package. */
async function resolveLibraries(
  options: CompileContractsOptions,
): Promise<{ dirs: Map<string, string>; versions: Record<string, string> }> {
  const require = createRequire(join(options.packageDir, 'package.json'));
  const dirs = new Map<string, string>();
  const versions: Record<string, string> = {};
  for (const library of options.libraries ?? []) {
    const manifest = require.resolve(`${library}/package.json`);
    const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
    dirs.set(library, dirname(manifest));
    versions[library] = version;
  }
  return { dirs, versions };
}

/** The compiler's import callback: only files inside the declared libraries, never `..` out of them. */
function importReader(dirs: ReadonlyMap<string, string>) {
  return (path: string): { contents?: string; error?: string } => {
    for (const [library, dir] of dirs) {
      if (!path.startsWith(`${library}/`) || path.split('/').includes('..')) continue;
      try {
        // solc's callback is synchronous.
        return { contents: readFileSync(join(dir, path.slice(library.length + 1)), 'utf8') };
      } catch (error) {
        return { error: `cannot read ${path}: ${(error as Error).message}` };
      }
    }
    return { error: `${path}: not in a declared library (${[...dirs.keys()].join(', ') || 'none'})` };
  };
}

function loadSolc(expected: string): Solc {
  // Loaded lazily: soljson takes a moment to start, and an up-to-date tree does not need it.
  const solc = createRequire(import.meta.url)('solc') as Solc;
  const version = solc.version();
  if (!version.startsWith(`${expected}+`)) throw new Error(`solc ${version} installed, ${expected} expected`);
  return solc;
}

async function writeModule(
  options: CompileContractsOptions,
  stale: StaleTarget,
  compiled: SolcContractOutput,
  compilerVersion: string,
): Promise<void> {
  const { target, source, fingerprint } = stale;
  const outputPath = join(options.outDir, target.output);
  const p = target.exportPrefix;
  const text = [
    `// Generated by scripts/compile-contracts.ts from contracts/${target.source}. Do not edit.`,
    `// fingerprint: ${fingerprint}`,
    `export const ${p}Abi = ${JSON.stringify(compiled.abi)} as const;`,
    `export const ${p}Bytecode = '0x${compiled.evm.bytecode.object}';`,
    `export const ${p}DeployedBytecode = '0x${compiled.evm.deployedBytecode.object}';`,
    `/** What produced the bytecode: enough to reproduce it or verify it on an explorer. */`,
    `export const ${p}Build = ${JSON.stringify({
      contract: target.contract,
      source: `contracts/${target.source}`,
      sourceSha256: sha256(source),
      compilerVersion: `v${compilerVersion.replace(/\.Emscripten\.clang$/, '')}`,
      evmVersion: options.evmVersion,
      optimizerRuns: options.optimizerRuns,
    })} as const;`,
    '',
  ].join('\n');
  // The repository's Prettier settings, wherever the output goes: same input, same bytes.
  const config = join(options.packageDir, 'src', 'generated', target.output);
  const prettierOptions = (await prettier.resolveConfig(config)) ?? {};
  const formatted = await prettier.format(text, { ...prettierOptions, filepath: outputPath });
  await mkdir(dirname(outputPath), { recursive: true });
  // Write then rename: a crash never leaves a half-written module that looks up to date.
  const temporary = `${outputPath}.${process.pid}.tmp`;
  await writeFile(temporary, formatted);
  await rename(temporary, outputPath);
  console.log(`codegen: wrote ${outputPath} (${compilerVersion})`);
}

async function staleTargets(options: CompileContractsOptions, libraryVersions: Record<string, string>) {
  const ownText = await readFile(fileURLToPath(import.meta.url), 'utf8');
  const settings = settingsFor(options);
  const stale: StaleTarget[] = [];
  for (const target of options.targets) {
    const source = await readFile(join(options.sourceDir, target.source), 'utf8');
    const inputs = [options.solcVersion, source, settings, options.scriptText, ownText, libraryVersions];
    const fingerprint = sha256(JSON.stringify(inputs));
    if ((await existingFingerprint(join(options.outDir, target.output))) === fingerprint) {
      console.log(`codegen: ${target.output} is up to date`);
      continue;
    }
    const pragma = `^pragma solidity ${options.solcVersion.replaceAll('.', '\\.')};$`;
    if (!new RegExp(pragma, 'm').test(source)) {
      throw new Error(`${target.source}: expected 'pragma solidity ${options.solcVersion};'`);
    }
    stale.push({ target, source, fingerprint });
  }
  return stale;
}

function isProblem(message: SolcMessage, libraries: ReadonlyMap<string, string>): boolean {
  if (message.severity === 'info') return false;
  if (message.severity === 'error') return true;
  const file = message.sourceLocation?.file;
  return file === undefined || ![...libraries.keys()].some((library) => file.startsWith(`${library}/`));
}

export async function compileContracts(options: CompileContractsOptions): Promise<void> {
  const libraries = await resolveLibraries(options);
  const stale = await staleTargets(options, libraries.versions);
  if (stale.length === 0) return;
  const solc = loadSolc(options.solcVersion);
  const sources = Object.fromEntries(stale.map((s) => [s.target.source, { content: s.source }]));
  const input = { language: 'Solidity', sources, settings: settingsFor(options) };
  const raw = solc.compile(JSON.stringify(input), { import: importReader(libraries.dirs) });
  const output = JSON.parse(raw) as SolcOutput;
  const problems = (output.errors ?? []).filter((m) => isProblem(m, libraries.dirs));
  for (const message of output.errors ?? []) console.error(message.formattedMessage ?? message.message);
  if (problems.length > 0) {
    const names = stale.map((s) => s.target.source).join(', ');
    throw new Error(`${names}: ${problems.length} compiler error(s)/warning(s), see above`);
  }
  for (const entry of stale) {
    const compiled = output.contracts?.[entry.target.source]?.[entry.target.contract];
    if (compiled === undefined) {
      throw new Error(`${entry.target.source}: contract ${entry.target.contract} not in output`);
    }
    if (compiled.evm.bytecode.object.length === 0)
      throw new Error(`${entry.target.contract}: empty bytecode`);
    await writeModule(options, entry, compiled, solc.version());
  }
}
