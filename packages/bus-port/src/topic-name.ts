import { BusError, BusErrorCode } from './bus-error.ts';

/**
 * Topic names follow `anchorpost.<entity>.<event>.v<N>`; the check is the shape every Anchorpost
 * topic (and its `.dlq` twin) has: lowercase dot-separated words, at least two of them.
 */
const TOPIC_NAME = /^[a-z0-9]+(\.[a-z0-9-]+)+$/;

/** Kafka's own limit on topic name length. */
const MAX_TOPIC_NAME_LENGTH = 249;

export function assertTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.length > MAX_TOPIC_NAME_LENGTH || !TOPIC_NAME.test(topic)) {
    const shown = typeof topic === 'string' ? JSON.stringify(topic) : typeof topic;
    throw new BusError(
      BusErrorCode.InvalidTopic,
      `invalid topic name ${shown}: expected lowercase dot-separated words like anchorpost.tx-file.accepted.v1 ` +
        `(pattern ${TOPIC_NAME.source}, at most ${MAX_TOPIC_NAME_LENGTH} characters)`,
    );
  }
}

/** Where records that keep failing in `topic` go. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
