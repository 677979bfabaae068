/**
 * The built-in shaping rules (issue 21), from what the large receivers publish or answer:
 * - Gmail answers `421 4.7.28` (or `4.7.0`) to a sender going too fast: pause, then go on slower.
 * - Outlook and Hotmail throttle with `4.7.650`–`4.7.699` ("S3150"…): halve the rate.
 * - Yahoo defers with `[TS04]` and asks for about 20 messages per connection: pause.
 * - The Japanese mobile carriers block networks that send them bursts: few sessions, at most 100
 *   recipients per session (one recipient per message, so 100 messages), a low rate, and any
 *   deferral pauses the destination.
 * An operator file (`MAILROUTE_SHAPING`) replaces a rule by reusing its id.
 */
import type { PushbackRule, ShapingRule } from './shaping.js';

const carrierPushback: readonly PushbackRule[] = [
  { reply: '^4\\d\\d', action: { kind: 'pause', minutes: 15 } },
];

const carrier = (id: string, domains: string[], mxSuffixes: string[]): ShapingRule => ({
  id,
  domains,
  mxSuffixes,
  maxConnections: 2,
  messagesPerConnection: 100,
  ratePerMinute: 60,
  pushback: carrierPushback,
});

export const builtInShapingRules: readonly ShapingRule[] = [
  {
    id: 'gmail',
    domains: ['gmail.com', 'googlemail.com'],
    mxSuffixes: ['*.google.com', '*.googlemail.com'],
    maxConnections: 10,
    messagesPerConnection: 100,
    ratePerMinute: 600,
    pushback: [
      { reply: '4\\.7\\.28', action: { kind: 'pause', minutes: 10 } },
      { classifiedAs: 'slowdown.rate-limited', action: { kind: 'halve', recoverMinutes: 10 } },
    ],
  },
  {
    id: 'outlook',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.jp', 'hotmail.co.jp'],
    mxSuffixes: ['*.outlook.com'],
    maxConnections: 10,
    messagesPerConnection: 100,
    ratePerMinute: 600,
    pushback: [
      { reply: '4\\.7\\.6\\d\\d|S3150|S3140', action: { kind: 'halve', recoverMinutes: 15 } },
      { classifiedAs: 'slowdown.rate-limited', action: { kind: 'halve', recoverMinutes: 15 } },
    ],
  },
  {
    id: 'yahoo',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'aol.com'],
    mxSuffixes: ['*.yahoodns.net'],
    maxConnections: 5,
    messagesPerConnection: 20,
    ratePerMinute: 300,
    pushback: [
      { reply: '\\[TS0[1-4]\\]', action: { kind: 'pause', minutes: 30 } },
      { classifiedAs: 'slowdown.rate-limited', action: { kind: 'halve', recoverMinutes: 15 } },
    ],
  },
  carrier('docomo', ['docomo.ne.jp'], ['*.docomo.ne.jp']),
  carrier('au', ['ezweb.ne.jp', 'au.com'], ['*.ezweb.ne.jp', '*.au.com']),
  carrier('softbank', ['softbank.ne.jp', 'i.softbank.jp'], ['*.softbank.ne.jp', '*.softbank.jp']),
];
