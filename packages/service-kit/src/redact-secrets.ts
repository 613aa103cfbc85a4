/**
 * Secrets inside free text: an error's message and stack come from drivers that quote what they
 * were given (a PostgreSQL URL with its password, a Kafka SASL setting, a header). The log keeps
 * the text, for the operator, without them. Field-level redaction (pino `redact`) cannot reach
 * into a string; this can.
 */

const CENSOR = '[redacted]';

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // scheme://user:password@host: the password goes, the user and host stay (they help debugging).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${CENSOR}@`],
  // password=…, secret: …, token=… in connection strings and option dumps.
  [
    /\b(password|passwd|pwd|secret|token|api[_-]?key|sasl[_.-]?password)(["']?\s*[=:]\s*["']?)[^\s"'&;,]+/gi,
    `$1$2${CENSOR}`,
  ],
  [/\bBearer\s+[^\s"',]+/g, `Bearer ${CENSOR}`],
  // The relay's API keys (`apk_<id>_<secret>`): the id stays, it names the key without granting it.
  [/\b(apk_[0-9a-f]{16}_)[A-Za-z0-9_-]+/g, `$1${CENSOR}`],
  // PEM private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, CENSOR],
];

export function redactSecrets(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of PATTERNS) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
