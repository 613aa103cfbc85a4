/**
 * SHA-256 through WebCrypto (`crypto.subtle`), which browsers and Node both have. Asynchronous, so
 * it serves the proof verifier's few dozen hashes; the batcher's millions use node:crypto.
 */
export async function webSha256(bytes: Uint8Array): Promise<Uint8Array> {
  // A copy on its own ArrayBuffer: digest() takes no view onto a SharedArrayBuffer.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}
