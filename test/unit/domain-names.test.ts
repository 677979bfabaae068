/**
 * Domain names without `node:url`: the URL-setter form of "domain to ASCII" answers exactly what
 * Node's `domainToASCII` answers (valid, IDN, invalid and odd inputs alike), so the server's
 * normalization did not change when the module became loadable by the console.
 */
import { domainToASCII as nodeDomainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { domainToASCII, normalizeDomain } from '../../src/domain/domain-names.js';

const inputs = [
  'example.com',
  'Example.COM',
  'a',
  'b',
  'A',
  'bücher.de',
  'xn--bcher-kva.de',
  'xn--zz.de',
  'xn--a.com',
  '例え.テスト',
  'ＥＸＡＭＰＬＥ．ｃｏｍ',
  'faß.de',
  'İ.com',
  'a\u00adb.com',
  '\u200b.com',
  '⒈.com',
  '1.2.3.4',
  '0x7f.1',
  '999999999999',
  '1.2.3.4.5',
  'a.1',
  '[::1]',
  'a..b',
  'a b',
  'a<b.com',
  'a|b.com',
  'a^b',
  'a%41.com',
  'a%zz.com',
  'a%',
  'a.com?x',
  'a.com#x',
  'a.com\\b',
  'a_b.com',
  '-a.com',
  '…',
  '',
];

describe('domain to ASCII', () => {
  it.each(inputs.map((s) => [s]))('%j gives what node:url gives', (input) => {
    expect(domainToASCII(input)).toBe(nodeDomainToASCII(input));
  });
});

describe('normalizing a domain', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['  bücher.de ', 'xn--bcher-kva.de'],
    ['mail.例え.テスト', 'mail.xn--r8jz45g.xn--zckzah'],
    ['localhost', undefined],
    ['1.2.3.4', undefined],
    ['a_b.com', undefined],
    ['-a.com', undefined],
    ['xn--zz.de', undefined],
    ['user@example.com', undefined],
    ['example.com:25', undefined],
    ['example.com?x', undefined],
    ['example.com#top', undefined],
    ['ex%41mple.com', undefined],
    ['example.com/path', undefined],
  ])('%j is %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});
