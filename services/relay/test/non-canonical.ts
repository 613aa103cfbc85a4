// Valid tx-files that are not in canonical form, for the NOT_CANONICAL tests of both transports.
/**
 * The message of `canonical` written two other valid ways, each its own CID: with a comment
 * appended, and with two keys swapped and spaces added.
 */
export function nonCanonicalVariants(canonical: Uint8Array): Uint8Array[] {
  const yaml = new TextDecoder().decode(canonical);
  const reordered = yaml.replace(/^( {2}version: .*)\n( {2}suite: .*)\n/m, '$2  \n$1 \n');
  if (reordered === yaml) throw new Error('the tx-file has no version and suite lines to swap');
  return [`${yaml}# the same message, another CID\n`, reordered].map((text) =>
    new TextEncoder().encode(text),
  );
}
