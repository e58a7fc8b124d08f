/** Small ports the use cases depend on; adapters live in functions/. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new, unique, time-sortable id (no `#`). */
  next(): string;
}

export const systemClock: Clock = { now: () => new Date() };

/** A page of results and an opaque cursor to the next page, if there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
