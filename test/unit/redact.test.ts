import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../src/domain/redact.js';

describe('redaction of secrets', () => {
  it.each([
    ['password', { password: 'p' }, { password: REDACTED }],
    [
      'nested tokens',
      { auth: { refreshToken: 'r', accessToken: 'a', user: 'u' } },
      { auth: { refreshToken: REDACTED, accessToken: REDACTED, user: 'u' } },
    ],
    [
      'private keys',
      { dkim: { privateKey: 'k', selector: 's' } },
      { dkim: { privateKey: REDACTED, selector: 's' } },
    ],
    ['arrays', [{ secret: 's' }], [{ secret: REDACTED }]],
    ['flags that a secret is set stay visible', { passwordSet: true }, { passwordSet: true }],
    ['null secrets stay null', { password: null }, { password: null }],
  ])('redacts %s', (_name, input, expected) => {
    expect(redact(input)).toEqual(expected);
  });
});
