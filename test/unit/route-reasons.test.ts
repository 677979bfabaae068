import { describe, expect, it } from 'vitest';
import { RouteLog } from '../../src/delivery/route-log.js';
import {
  mainReason,
  type RouteReasons,
  relayReasonCodes,
  unreachableRule,
} from '../../src/domain/route-reasons.js';
import { routeReasonsSchema, routeReasonsView } from '../../src/schemas/route-reasons.js';

const at = '2031-05-01T15:00:00.000Z';

describe('route reasons (issue 19)', () => {
  it('collects the relays tried in order, then the candidates not reached, then those passed over', () => {
    const log = new RouteLog([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [{ relay: 'off', code: 'disabled' }]);
    log.add({ relay: 'a', code: 'cap', used: 5, limit: 5 });
    log.failed('b', {
      action: 'fallback',
      scope: 'connection',
      status: '4.4.1',
      ruleId: 'conn.refused',
      breaker: true,
      permanent: false,
      reason: '',
    });
    expect(log.decided('platform', 'none_could_take')).toEqual({
      route: 'platform',
      because: 'none_could_take',
      relays: [
        { relay: 'a', code: 'cap', used: 5, limit: 5 },
        { relay: 'b', code: 'unreachable', status: '4.4.1', rule: 'conn.refused' },
        { relay: 'c', code: 'not_reached' },
        { relay: 'off', code: 'disabled' },
      ],
    });
  });

  it('tells a relay that never answered from one that answered with a failure', () => {
    expect(['conn.refused', 'timeout.connect', 'dns.failed', 'conn.lost'].map(unreachableRule)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['reply.4xx', 'server.closing', 'auth.failed', 'relay.denied'].map(unreachableRule)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('explains a decision by the relay that sent or refused it, the one that made it wait, or the first that could not', () => {
    const platform: RouteReasons = {
      route: 'platform',
      because: 'none_could_take',
      relays: [
        { relay: 'x', code: 'other_domain' },
        { relay: 'a', code: 'cap', used: 1000, limit: 1000 },
        { relay: 'b', code: 'suspended', until: at },
      ],
    };
    expect(mainReason(platform)).toEqual({ relay: 'a', code: 'cap', used: 1000, limit: 1000 });
    const wait: RouteReasons = {
      route: 'wait',
      relays: [
        { relay: 'a', code: 'cap', used: 1, limit: 1 },
        { relay: 'b', code: 'paced', until: at, perMinute: 60 },
        { relay: 'c', code: 'not_reached' },
      ],
    };
    expect(mainReason(wait)?.relay).toBe('b');
    const sent: RouteReasons = {
      route: 'relay',
      relays: [
        { relay: 'a', code: 'failed', status: '4.3.0', rule: 'reply.4xx' },
        { relay: 'b', code: 'sent' },
      ],
    };
    expect(mainReason(sent)?.relay).toBe('b');
  });

  it('returns every code through the API schema, each relay with its name or null once deleted', () => {
    const stored: RouteReasons = {
      route: 'relay',
      relays: [
        { relay: 'a', code: 'sent' },
        { relay: 'b', code: 'bounced', status: '5.1.1', rule: 'rcpt.user-unknown' },
        { relay: 'c', code: 'other_domain' },
        { relay: 'd', code: 'type_off', type: 'mass' },
        { relay: 'e', code: 'disabled' },
        { relay: 'f', code: 'suspended', until: at },
        { relay: 'g', code: 'tried' },
        { relay: 'h', code: 'cap', used: 3, limit: 3 },
        { relay: 'i', code: 'paced', until: at, perMinute: 10 },
        { relay: 'j', code: 'slowed', until: at, status: '4.7.0' },
        { relay: 'k', code: 'unreachable', status: '4.4.1', rule: 'conn.refused' },
        { relay: 'l', code: 'failed', status: '4.3.0', rule: 'reply.4xx' },
        { relay: 'm', code: 'not_reached' },
      ],
    };
    expect(stored.relays.map((r) => r.code)).toEqual([...relayReasonCodes]);
    const view = routeReasonsView(JSON.stringify(stored), new Map([['a', 'main relay']]));
    expect(routeReasonsSchema.parse(view)).toEqual(view);
    expect(view!.relays[0]).toEqual({ relay: 'a', code: 'sent', name: 'main relay' });
    expect(view!.relays[1]!.name).toBeNull();
    expect(routeReasonsView(null, new Map())).toBeNull();
    expect(() =>
      routeReasonsSchema.parse({ route: 'relay', relays: [{ relay: 'a', name: null, code: 'cap' }] }),
    ).toThrow();
  });
});
