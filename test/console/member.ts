/**
 * The member (read-only user) the console tests sign in as: created through the API, then signed
 * in on a page of its own, in English.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { openPage, signIn } from './browser.js';

const MEMBER_EMAIL = 'member@example.test';
const MEMBER_PASSWORD = 'member password 123';

/** Adds the member and signs it in at `path` (e.g. `/relays`); close its context when done. */
export async function signInMember(t: TestApp, browser: Browser, path: string): Promise<Page> {
  const created = await t.call('POST', '/api/v1/users', {
    email: MEMBER_EMAIL,
    name: 'Member',
    role: 'member',
    password: MEMBER_PASSWORD,
  });
  expect(created.status).toBe(201);
  const member = await openPage(browser, 'en-US');
  await signIn(member, `${t.url}${path}`, MEMBER_EMAIL, MEMBER_PASSWORD);
  return member;
}
