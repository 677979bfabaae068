/** The injectable clock: everything that asks "what time is it" asks this, so tests can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
