/** Field issues from zod issues (issue 20), the audit target's name, and the every-word matcher. */
import { describe, expect, it } from 'vitest';
import { auditTargetName } from '../../src/domain/audit-target-name.js';
import { issuesOfFields } from '../../src/domain/field-issues.js';
import { issueOfZod } from '../../src/schemas/field-issues.js';
import { relayCreateSchema } from '../../src/schemas/relays.js';
import { catalogueMatcher } from '../console/every-word.js';

describe('issueOfZod', () => {
  it('keeps the code and the parameters a translation needs', () => {
    const r = relayCreateSchema.safeParse({ name: '', host: 'h', port: 0, security: 'x', dailyLimit: 1 });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => issueOfZod(i));
    expect(issues).toContainEqual({
      field: 'name',
      code: 'too_small',
      params: { minimum: 1, origin: 'string' },
      message: 'must not be empty',
    });
    expect(issues.find((i) => i.field === 'security')).toMatchObject({ code: 'invalid_value' });
    expect(issues.find((i) => i.field === 'emailTypes')).toMatchObject({ code: 'required' });
  });

  it('takes a refinement’s own code from its params', () => {
    expect(
      issueOfZod({ code: 'custom', path: ['x'], message: 'nope', params: { code: 'mine', n: 2 } }),
    ).toEqual({ field: 'x', code: 'mine', params: { n: 2 }, message: 'nope' });
  });

  it('gives plain `fields` a code: required or invalid', () => {
    expect(issuesOfFields({ a: 'is required', b: 'odd' }).map((i) => i.code)).toEqual([
      'required',
      'invalid',
    ]);
  });
});

describe('auditTargetName', () => {
  it('reads the name, address, email or URL from after, else before', () => {
    expect(auditTargetName(null, { name: 'office' })).toBe('office');
    expect(auditTargetName({ address: 'a@example.net' }, null)).toBe('a@example.net');
    expect(auditTargetName({ name: 'old' }, { enabled: true })).toBe('old');
    expect(auditTargetName(null, null)).toBeNull();
  });
});

describe('the every-word matcher', () => {
  const m = catalogueMatcher({ a: { b: '{{name}} を作成しました', c: '保存' } }, ['本社リレー'], ['DKIM']);
  it('accepts the catalogue, rendered with data, and technical tokens', () => {
    for (const s of [
      '保存',
      '本社リレー を作成しました',
      'DKIM',
      '2026/12/03 10:00',
      'x@example.net',
      '127.0.0.1:25',
      'Asia/Tokyo — 日本標準時 (GMT+9)',
      'Asia/Kolkata — インド標準時 (GMT+5:30)',
    ])
      expect(m.accepts(s), s).toBe(true);
  });
  it('refuses English, also inside a rendered template', () => {
    for (const s of [
      'sent',
      'relay.create',
      'fallback を作成しました',
      'connect ECONNREFUSED 127.0.0.1:25',
      'Asia/Tokyo — Japan Standard Time (GMT+9)',
      'GMTime',
    ])
      expect(m.accepts(s), s).toBe(false);
  });
});
