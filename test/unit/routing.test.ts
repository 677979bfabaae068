import { describe, expect, it } from 'vitest';
import type { EmailType } from '../../src/domain/email-types.js';
import {
  candidateRelays,
  hasRelaysFor,
  passedOver,
  type RelayCandidate,
  type RouteQuery,
  whenNoRelaySent,
} from '../../src/domain/routing.js';

const NOW = 1_000_000;
const DOMAIN = 'dom_sakura';

/** A relay of the From domain taking workflow mail, enabled and not suspended unless told. */
function relay(id: string, priority: number, over: Partial<RelayCandidate> = {}): RelayCandidate {
  return {
    id,
    domainId: DOMAIN,
    emailTypes: ['workflow'],
    priority,
    enabled: true,
    suspendedUntil: null,
    ...over,
  };
}

function query(over: Partial<RouteQuery> = {}): RouteQuery {
  return { domainId: DOMAIN, type: 'workflow', now: NOW, tried: new Set(), turn: 0, ...over };
}

type Row = [name: string, relays: RelayCandidate[], q: Partial<RouteQuery>, expected: string[]];

const rows: Row[] = [
  ['one relay of the From domain is the only candidate', [relay('a', 1)], {}, ['a']],
  [
    'lowest priority first, whatever the order given',
    [relay('c', 3), relay('a', 1), relay('b', 2)],
    {},
    ['a', 'b', 'c'],
  ],
  ['a priority of 0 comes before 1', [relay('one', 1), relay('zero', 0)], {}, ['zero', 'one']],
  [
    'equal priorities start with the lowest id on turn 0',
    [relay('b', 1), relay('a', 1), relay('c', 1)],
    { turn: 0 },
    ['a', 'b', 'c'],
  ],
  [
    'turn 1 rotates equal priorities by one',
    [relay('a', 1), relay('b', 1), relay('c', 1)],
    { turn: 1 },
    ['b', 'c', 'a'],
  ],
  ['turn 2 rotates them by two', [relay('a', 1), relay('b', 1), relay('c', 1)], { turn: 2 }, ['c', 'a', 'b']],
  [
    'turn 3 of three comes round to the start',
    [relay('a', 1), relay('b', 1), relay('c', 1)],
    { turn: 3 },
    ['a', 'b', 'c'],
  ],
  [
    'each priority group takes its own turn, the lower group first',
    [relay('a', 1), relay('b', 1), relay('x', 2), relay('y', 2), relay('z', 2)],
    { turn: 1 },
    ['b', 'a', 'y', 'z', 'x'],
  ],
  [
    'a single relay of higher priority is not rotated away',
    [relay('a', 1), relay('b', 1), relay('solo', 5)],
    { turn: 1 },
    ['b', 'a', 'solo'],
  ],
  ['a disabled relay is skipped', [relay('a', 1, { enabled: false }), relay('b', 2)], {}, ['b']],
  [
    'a disabled relay takes no turn among equals',
    [relay('a', 1), relay('b', 1, { enabled: false }), relay('c', 1)],
    { turn: 1 },
    ['c', 'a'],
  ],
  [
    'a relay suspended until later today is skipped',
    [relay('a', 1, { suspendedUntil: NOW + 1 }), relay('b', 2)],
    {},
    ['b'],
  ],
  [
    'a suspension that ends now no longer counts',
    [relay('a', 1, { suspendedUntil: NOW }), relay('b', 2)],
    {},
    ['a', 'b'],
  ],
  [
    'a suspension that ended earlier no longer counts',
    [relay('a', 1, { suspendedUntil: NOW - 86_400_000 }), relay('b', 2)],
    {},
    ['a', 'b'],
  ],
  [
    'a relay already tried in this round is skipped: the next one is tried',
    [relay('a', 1), relay('b', 2), relay('c', 3)],
    { tried: new Set(['a']) },
    ['b', 'c'],
  ],
  [
    'every relay tried: none left, the platform comes next',
    [relay('a', 1), relay('b', 2)],
    { tried: new Set(['a', 'b']) },
    [],
  ],
  [
    'a relay of another domain of the org is never a candidate',
    [relay('a', 1, { domainId: 'dom_other' }), relay('b', 2)],
    {},
    ['b'],
  ],
  ['a From domain the org does not have has no relays', [relay('a', 1)], { domainId: undefined }, []],
  [
    'a relay that does not take the email type is skipped',
    [relay('a', 1, { emailTypes: ['mass'] }), relay('b', 2)],
    {},
    ['b'],
  ],
  [
    'mass mail goes only to relays that take mass',
    [relay('wf', 1), relay('m', 2, { emailTypes: ['mass', 'workflow'] })],
    { type: 'mass' },
    ['m'],
  ],
  [
    "mailroute's own notices (system) never use relays",
    [relay('a', 1, { emailTypes: ['workflow', 'mass', 'individual'] })],
    { type: 'system' },
    [],
  ],
  [
    'disabled, suspended and tried relays all skipped, the rest in priority order',
    [
      relay('off', 0, { enabled: false }),
      relay('down', 1, { suspendedUntil: NOW + 60_000 }),
      relay('done', 1),
      relay('next', 2),
      relay('last', 3),
    ],
    { tried: new Set(['done']) },
    ['next', 'last'],
  ],
];

describe('route choice (SPEC R9): candidate relays in the order they are tried', () => {
  it.each(rows)('%s', (_name, relays, q, expected) => {
    expect(candidateRelays(relays, query(q)).map((r) => r.id)).toEqual(expected);
  });

  it('shares equal-priority relays evenly over consecutive turns', () => {
    const relays = [relay('a', 1), relay('b', 1), relay('c', 1), relay('backup', 2)];
    const firsts = Array.from({ length: 9 }, (_, turn) => candidateRelays(relays, query({ turn }))[0]!.id);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('why a relay is passed over (issue 19): each relay routing leaves out says why', () => {
  const relays = [
    relay('other', 0, { domainId: 'dom_other' }),
    relay('massOnly', 0, { emailTypes: ['mass'] }),
    relay('off', 0, { enabled: false, suspendedUntil: NOW + 1 }),
    relay('down', 1, { suspendedUntil: NOW + 60_000 }),
    relay('ended', 1, { suspendedUntil: NOW }),
    relay('done', 1),
    relay('next', 2),
  ];

  it('names another domain, the type, disabled, suspended until when, and tried; candidates are not listed', () => {
    expect(passedOver(relays, query({ tried: new Set(['done']) }))).toEqual([
      { relay: 'other', code: 'other_domain' },
      { relay: 'massOnly', code: 'type_off', type: 'workflow' },
      { relay: 'off', code: 'disabled' },
      { relay: 'down', code: 'suspended', until: new Date(NOW + 60_000).toISOString() },
      { relay: 'done', code: 'tried' },
    ]);
  });

  it('together with the candidates, accounts for every relay of the org exactly once', () => {
    for (const q of [query(), query({ type: 'mass' }), query({ tried: new Set(['next', 'ended']) })]) {
      const ids = [
        ...candidateRelays(relays, q).map((r) => r.id),
        ...passedOver(relays, q).map((r) => r.relay),
      ];
      expect(ids.sort()).toEqual(relays.map((r) => r.id).sort());
    }
  });

  it('system mail and a From domain the org does not have pass over every relay as another domain', () => {
    for (const q of [query({ type: 'system' }), query({ domainId: undefined })])
      expect(new Set(passedOver(relays, q).map((r) => r.code))).toEqual(new Set(['other_domain']));
  });
});

describe('when no relay sent the delivery', () => {
  const types: [EmailType | 'system', boolean][] = [
    ['workflow', true],
    ['mass', false],
    ['system', false],
  ];
  it.each(types)(
    'an org with one workflow relay (even suspended) has relays for %s mail: %s',
    (type, has) => {
      const relays = [relay('a', 1, { suspendedUntil: NOW + 1, enabled: false })];
      expect(hasRelaysFor(relays, { domainId: DOMAIN, type })).toBe(has);
    },
  );

  it.each([
    ['platform', true, 'platform'],
    ['platform', false, 'platform'],
    ['retry', true, 'retry'],
    ['retry', false, 'platform'],
  ] as const)('with relayFallback "%s" and relays for the mail: %s, it goes to %s', (fallback, has, to) => {
    expect(whenNoRelaySent(fallback, has)).toBe(to);
  });
});
