/** A JSON file's text as the SDK and the CLI write it (two-space indent, a final newline): its bytes, and so its CID. */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
