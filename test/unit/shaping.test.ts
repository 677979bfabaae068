import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { halved, halvingsAt, rateWith, ruleForDomain, ruleForMx } from '../../src/domain/shaping.js';
import { builtInShapingRules } from '../../src/domain/shaping-defaults.js';
import { pushbackFor } from '../../src/domain/shaping-pushback.js';
import { classifyReply } from '../../src/domain/smtp-reply.js';

const rules = builtInShapingRules;

describe('destination shaping rules (issue 21)', () => {
  it('matches by recipient domain, then by MX host suffix', () => {
    expect(ruleForDomain(rules, 'GMAIL.com')?.id).toBe('gmail');
    expect(ruleForDomain(rules, 'i.softbank.jp')?.id).toBe('softbank');
    expect(ruleForDomain(rules, 'au.com')?.id).toBe('au');
    expect(ruleForDomain(rules, 'example.com')).toBeUndefined();
    expect(ruleForMx(rules, ['aspmx.l.google.com.'])?.id).toBe('gmail');
    expect(ruleForMx(rules, ['x-com.mail.protection.outlook.com'])?.id).toBe('outlook');
    expect(ruleForMx(rules, ['mx.example.net'])).toBeUndefined();
    // A suffix matches under the domain only, never a look-alike.
    expect(ruleForMx(rules, ['evilgoogle.com'])).toBeUndefined();
  });

  it('gives the Japanese carriers few sessions and at most 100 recipients a session', () => {
    for (const id of ['docomo', 'au', 'softbank']) {
      const r = rules.find((x) => x.id === id)!;
      expect(r.maxConnections).toBeLessThanOrEqual(2);
      expect(r.messagesPerConnection).toBeLessThanOrEqual(100);
    }
  });

  it("reads pushback next to the classifier: Gmail's 421 4.7.28 pauses, a bounce never does", () => {
    const gmail = rules.find((r) => r.id === 'gmail')!;
    const text = '421-4.7.28 Our system has detected an unusual rate of unsolicited mail';
    const c = classifyReply({ path: 'platform', command: 'rcpt', text });
    expect(pushbackFor(gmail, c, text)).toEqual({ kind: 'pause', minutes: 10 });
    const bounce = '550 5.1.1 no such user';
    expect(
      pushbackFor(gmail, classifyReply({ path: 'platform', command: 'rcpt', text: bounce }), bounce),
    ).toBe(undefined);
    const yahoo = rules.find((r) => r.id === 'yahoo')!;
    const ts04 = '421 4.7.0 [TS04] Messages from 192.0.2.1 temporarily deferred';
    expect(
      pushbackFor(yahoo, classifyReply({ path: 'platform', command: 'rcpt', text: ts04 }), ts04)?.kind,
    ).toBe('pause');
  });

  it('halves the rate and recovers step by step', () => {
    const s1 = halved({ halvings: 0, at: 0 }, 10, 1_000);
    expect(rateWith(600, halvingsAt(s1, 10, 1_000))).toBe(300);
    const s2 = halved(s1, 10, 2_000);
    expect(rateWith(600, halvingsAt(s2, 10, 2_000))).toBe(150);
    expect(rateWith(600, halvingsAt(s2, 10, 2_000 + 10 * 60_000))).toBe(300);
    expect(rateWith(600, halvingsAt(s2, 10, 2_000 + 20 * 60_000))).toBe(600);
  });

  it('stops the start with the bad field of the operator file named', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mailroute-shaping-')), 'bad.json');
    writeFileSync(file, JSON.stringify([{ id: 'lab', mxSuffixes: ['*.lab.example'], maxConnections: 0 }]));
    expect(() => loadConfig({ MAILROUTE_SHAPING: file })).toThrow(ConfigError);
    expect(() => loadConfig({ MAILROUTE_SHAPING: file })).toThrow(/MAILROUTE_SHAPING: \[0\]\.maxConnections/);
    writeFileSync(file, JSON.stringify([{ id: 'gmail', domains: ['gmail.com'], maxConnections: 3 }]));
    const config = loadConfig({ MAILROUTE_SHAPING: file });
    expect(config.shaping[0]).toMatchObject({ id: 'gmail', maxConnections: 3 });
    expect(config.shaping.filter((r) => r.id === 'gmail')).toHaveLength(1);
  });
});
