// Every error the alert function throws on purpose, and how any error is described in a log line or
// a dead-letter message. A thrown error makes Lambda retry the event and then dead-letter it with the
// message: nothing is dropped silently.

/** Thrown for an event the handler cannot process; Lambda retries it, then dead-letters it with this message. */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

/** Thrown when a destination still fails after the SDK's retries; Lambda retries only the failed ones. */
export class DeliveryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryFailedError';
  }
}

/** Thrown when a sweep could not read or deliver everything; the message says what is missing. */
export class SweepIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepIncompleteError';
  }
}

/** Thrown when a destination refuses part of a batch with HTTP 200 (Security Hub, EventBridge). */
export class DestinationRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRejectedError';
  }
}

/** A short, safe description of an SDK or network error. */
export function describeError(e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'timed out';
  const status = err?.$metadata?.httpStatusCode;
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message.slice(0, 200) : String(e).slice(0, 200);
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
}

/** The HTTP status of an SDK error, if it has one. */
export function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** What a value is, for an error message (never the value itself). */
export function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
