/** Domain-separation strings bound into ciphertexts, so no ciphertext can be moved to another role. */
import { utf8 } from '../bytes.ts';

export const CONTENT_KEY_CONTEXT = 'tx-file/content-key';

/** Associated data for a field: its dotted path in the file. */
export function fieldContext(path: string): Uint8Array {
  return utf8(`anchorpost/v1/field/${path}`);
}
