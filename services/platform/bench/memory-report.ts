/**
 * Loaded with `node --import` into the platform by rest-rss.ts: every few seconds, one line on
 * stderr with the process's memory split, so the bench can say what holds the RSS.
 */
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

setInterval(() => {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const split = { rss, heapTotal, heapUsed, external, arrayBuffers };
  const fields = Object.entries(split).map(([name, bytes]) => `${name}=${mib(bytes)}`);
  process.stderr.write(`anchorpost-memory ${fields.join(' ')}\n`);
}, 2_000).unref();
