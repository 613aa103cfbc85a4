// Usage: node charts/scripts/crd-to-json-schema.ts OUT_DIR CRD.yaml...
// Turns CustomResourceDefinitions into the JSON schemas kubeconform reads, one per served version,
// at OUT_DIR/<group>/<kind>_<version>.json (kubeconform: -schema-location
// 'OUT_DIR/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'). Objects that list their
// properties get `additionalProperties: false` (unless the CRD keeps unknown fields), so that
// `kubeconform -strict` refuses a misspelt field of a custom resource as it does for built-in kinds.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = strict(value);
  const props = out.properties;
  if (
    typeof props === 'object' &&
    props !== null &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

const [outDir, ...files] = process.argv.slice(2);
if (outDir === undefined || files.length === 0) {
  console.error('usage: crd-to-json-schema.ts OUT_DIR CRD.yaml...');
  process.exit(2);
}
let written = 0;
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJS() as Schema | null;
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec as { group: string; names: { kind: string }; versions: Schema[] };
    for (const version of spec.versions) {
      const schema = (version.schema as { openAPIV3Schema?: Schema } | undefined)?.openAPIV3Schema;
      if (schema === undefined) continue;
      const root = strict(schema) as Schema;
      // metadata is the API server's: kubeconform checks it against nothing stricter than an object.
      const properties = (root.properties ?? {}) as Schema;
      properties.metadata = { type: 'object' };
      root.properties = properties;
      const dir = join(outDir, spec.group);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${spec.names.kind.toLowerCase()}_${String(version.name)}.json`);
      writeFileSync(path, `${JSON.stringify(root)}\n`);
      written++;
    }
  }
}
console.error(`crd-to-json-schema: ${written} schemas in ${outDir}`);
