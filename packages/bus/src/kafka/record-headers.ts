/**
 * Kafka headers are bytes and may repeat; the port's headers are one string per name (publish
 * never repeats one), so a repeated header keeps its last value.
 */
export function recordHeaders(
  headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) result[name] = last.toString();
  }
  return result;
}
