/**
 * A real mailroute on a loopback port, on a fresh database of the chosen dialect, with an
 * injectable clock and its log lines captured for assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDialect } from './databases.js';
import { closeApp } from './stop.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export { TestClock } from './clock.js';

/**
 * scrypt at 2^10 rather than the product's 2^15 for the users of test apps: a few milliseconds a
 * hash instead of about 170 ms of CPU, over the hundreds of sign-ins and users the tests make. The
 * product's own cost is checked where the bootstrap admin is stored (test/store/foundation).
 */
export const TEST_PASSWORD_HASHING = { N: 1024, r: 8, p: 1 } as const;

export interface TestApp {
  app: App;
  url: string;
  clock: TestClock;
  dataDir: string;
  logs: string[];
  /** fetch against the app with the bootstrap admin key unless `key` says otherwise (null: none). */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApp(dialect: TestDialect, env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-test-'));
  const database = await createTestDatabase(dialect);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    MAILROUTE_DATA_DIR: dataDir,
    MAILROUTE_BOOTSTRAP_API_KEY: ADMIN_KEY,
    MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    MAILROUTE_LOG_LEVEL: 'info',
    // Parallel tests must not share a port: the submission tests give 0 (any free port).
    MAILROUTE_SUBMISSION_PORT: 'off',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const clock = new TestClock();
  const app = await createApp(config, {
    clock,
    log: createLogger('info', sink),
    bouncePort: 0,
    passwordHashing: TEST_PASSWORD_HASHING,
  });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    clock,
    dataDir,
    logs,
    async call(method, path, body, key = ADMIN_KEY, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (key) h.authorization = `Bearer ${key}`;
      // A browser names the console's origin on every change it sends with the session cookie.
      if (h.cookie && !('origin' in h) && !('sec-fetch-site' in h)) h.origin = url;
      let payload: string | undefined;
      if (body !== undefined) {
        h['content-type'] ??= 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(url + path, { method, headers: h, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await closeApp(app);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a console user through the API and signs them in; returns the session cookie header. */
export async function userSession(
  t: TestApp,
  role: 'admin' | 'member',
  email = `${role}-${Math.random().toString(36).slice(2)}@example.test`,
): Promise<string> {
  const password = 'member password 123';
  const created = await t.call('POST', '/api/v1/users', { email, name: role, role, password });
  if (created.status !== 201) throw new Error(`cannot create user: ${JSON.stringify(created.body)}`);
  const login = await t.call('POST', '/api/auth/login', { email, password }, null);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}
