import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const SHARED = 'shared password 123';

describe.each(dialects)('user emails per org on %s', (dialect) => {
  let t: TestApp;
  const orgs: Record<string, { id: string; key: string | undefined }> = {};
  beforeAll(async () => {
    t = await startTestApp(dialect);
    const me = await t.call('GET', '/api/auth/me');
    orgs.a = { id: me.body.orgId, key: undefined };
    for (const name of ['org-b', 'org-c']) {
      const org = await createOrg(t.app.ctx, { name });
      const actor: Principal = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' };
      orgs[name.slice(-1)] = {
        id: org.id,
        key: (await createApiKey(t.app.ctx, actor, { name, role: 'admin' })).key,
      };
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const addUser = (org: string, email: string, password: string) =>
    t.call('POST', '/api/v1/users', { email, name: 'Ann', role: 'member', password }, orgs[org]!.key);
  const signIn = (body: Record<string, string>) => t.call('POST', '/api/auth/login', body, null);

  it('lets another org add a user whose email one org has, and refuses a second in the same org', async () => {
    expect((await addUser('a', 'ann@shared.test', SHARED)).status).toBe(201);
    const b = await addUser('b', 'Ann@Shared.test', SHARED);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    const again = await addUser('b', 'ann@shared.test', 'other password 1');
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual({ email: 'already in use in this org' });
    expect((await addUser('c', 'ann@shared.test', 'org c password 1')).status).toBe(201);
  });

  it('asks which org when the email and password match in several, naming only those', async () => {
    const res = await signIn({ email: 'ann@shared.test', password: SHARED });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.orgs).toEqual(
      [
        { id: orgs.a!.id, name: 'default' },
        { id: orgs.b!.id, name: 'org-b' },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    );
    expect(res.headers.get('set-cookie')).toBeNull();

    const intoB = await signIn({ email: 'ann@shared.test', password: SHARED, orgId: orgs.b!.id });
    expect(intoB.status).toBe(200);
    expect(intoB.body).toMatchObject({ orgId: orgs.b!.id, orgName: 'org-b', role: 'member' });
    const cookie = intoB.headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.call('GET', '/api/auth/me', undefined, null, { cookie })).body.orgId).toBe(orgs.b!.id);

    // Org C's password enters org C at once; org C is not offered with the other password.
    const intoC = await signIn({ email: 'ann@shared.test', password: 'org c password 1' });
    expect(intoC.status).toBe(200);
    expect(intoC.body.orgId).toBe(orgs.c!.id);
    expect((await signIn({ email: 'ann@shared.test', password: SHARED, orgId: orgs.c!.id })).status).toBe(
      401,
    );
  });
});
