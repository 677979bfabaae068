/**
 * API errors carry each field's problem as a code and parameters besides the English message
 * (issue 20): from the schema's zod issues, from the service's own checks (400 naming the field),
 * and a 409 names its limit. `fields` stays as it was for existing API users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('field issues in API errors', () => {
  let t: TestApp;
  let domainId: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => t?.close());

  const relay = (over: Record<string, unknown>) => ({
    name: 'office',
    host: 'smtp.sakura.com',
    port: 587,
    security: 'tls',
    dailyLimit: 100,
    domainId,
    emailTypes: ['workflow'],
    ...over,
  });

  it('gives the zod code and its parameters for each field, keeping `fields`', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/relays',
      relay({ name: '', dailyLimit: 1.5, emailTypes: ['nope'] }),
    );
    expect(res.status).toBe(400);
    const { fields, issues } = res.body.error;
    expect(fields.name).toBe('must not be empty');
    expect(issues).toContainEqual({
      field: 'name',
      code: 'too_small',
      params: { minimum: 1, origin: 'string' },
      message: 'must not be empty',
    });
    expect(issues.find((i: { field: string }) => i.field === 'dailyLimit')).toMatchObject({
      code: 'invalid_type',
      params: { expected: 'int' },
    });
    expect(issues.find((i: { field: string }) => i.field === 'emailTypes.0')).toMatchObject({
      code: 'invalid_value',
    });
    for (const i of issues) expect(fields[i.field]).toBeDefined();
  });

  it('names a missing field as required', async () => {
    const { name: _, ...noName } = relay({});
    const res = await t.call('POST', '/api/v1/relays', noName);
    expect(res.body.error.issues).toContainEqual(
      expect.objectContaining({ field: 'name', code: 'required' }),
    );
  });

  it("gives the service's own checks a code: the plan's daily limit, an unknown domain", async () => {
    const res = await t.call('POST', '/api/v1/relays', relay({ dailyLimit: 999_999, domainId: 'dom_nope' }));
    expect(res.status).toBe(400);
    const { issues, fields } = res.body.error;
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: 'dailyLimit',
        code: 'above_plan_limit',
        params: { maximum: 5000, plan: 'standard' },
      }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ field: 'domainId', code: 'unknown_domain' }));
    expect(fields.dailyLimit).toMatch(/must be at most 5000/);
  });

  it('names the limit of a 409', async () => {
    for (const n of [2, 3, 4, 5]) await t.call('POST', '/api/v1/domains', { name: `d${n}.sakura.com` });
    const res = await t.call('POST', '/api/v1/domains', { name: 'd6.sakura.com' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'limit_exceeded', limit: 'maxDomains', max: 5 });
  });
});
