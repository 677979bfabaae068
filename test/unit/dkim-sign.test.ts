import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MimeTemplates } from '../../src/delivery/compose.js';
import { relaxedBody, relaxedHeader } from '../../src/dkim/canonical.js';
import { type DkimAlgorithm, dkimRecordName, dkimRecordValue, generateDkimKey } from '../../src/dkim/keys.js';
import { signMessage, signParts } from '../../src/dkim/sign.js';
import { verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

const messages: [string, string][] = [
  [
    'a plain message',
    'From: a@sakura.com\r\nTo: b@example.net\r\nSubject: Hello\r\nMessage-ID: <1@sakura.com>\r\n\r\nHi there.\r\n',
  ],
  [
    'folded headers, tabs and trailing spaces',
    'From: "Amelia"\r\n\t<a@sakura.com>\r\nTo:   b@example.net  \r\nSubject: A  long\r\n  subject\twith\t tabs \r\n\r\nLine  with   spaces   \r\n\r\n\r\n',
  ],
  ['an empty body', 'From: a@sakura.com\r\nSubject: empty\r\n\r\n'],
  ['a body without a final line break', 'From: a@sakura.com\r\nSubject: x\r\n\r\nno newline at the end'],
  [
    '8-bit header text',
    'From: a@sakura.com\r\nSubject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?=\r\nX-Mailroute-Delivery: dlv_x\r\n\r\n\u00e9t\u00e9\r\n',
  ],
];

describe('DKIM signing', () => {
  let dns: TestDnsServer;
  const keys: Record<DkimAlgorithm, { selector: string; privateKeyPem: string }> = {} as never;
  beforeAll(async () => {
    dns = await startDnsServer();
    for (const algorithm of ['rsa-2048', 'ed25519'] as const) {
      const k = generateDkimKey(algorithm);
      const selector = `s-${algorithm}`;
      dns.set(dkimRecordName(selector, 'sakura.com'), { TXT: [dkimRecordValue(algorithm, k.publicKey)] });
      keys[algorithm] = { selector, privateKeyPem: k.privateKeyPem };
    }
  });
  afterAll(async () => {
    await dns.close();
  });

  for (const algorithm of ['rsa-2048', 'ed25519'] as const) {
    it.each(messages)(`${algorithm}: mailauth verifies the signature of %s`, async (_name, text) => {
      const raw = Buffer.from(text, 'latin1');
      const signed = await signMessage(
        raw,
        { domain: 'sakura.com', algorithm, ...keys[algorithm] },
        new Date(),
      );
      expect(signed.subarray(signed.length - raw.length).equals(raw)).toBe(true);
      expect(
        signed
          .toString('latin1')
          .split('\r\n')
          .every((l) => l.length <= 998),
      ).toBe(true);
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    });
  }

  it('fails verification when the body changes after signing (neutral: body hash did not verify)', async () => {
    const signed = await signMessage(
      Buffer.from(messages[0]![1]),
      { domain: 'sakura.com', algorithm: 'rsa-2048', ...keys['rsa-2048'] },
      new Date(),
    );
    const tampered = Buffer.from(signed.toString().replace('Hi there.', 'Hi thEre.'));
    expect((await verifyDkim(tampered, dns.address))[0]?.result).not.toBe('pass');
  });

  it('signs deliveries stamped from one template, which share one body, each verifiably', async () => {
    const templates = new MimeTemplates();
    const content = { from: 'news@sakura.com', to: [], cc: [], subject: 'Sale', text: 'Hello  \nall.\n' };
    const date = new Date('2026-11-28T03:00:00Z');
    const part = (id: string, to: string) =>
      templates.composeParts('msg_1', content, {
        deliveryId: id,
        fromDomain: 'sakura.com',
        date,
        personalization: { to },
      });
    const [a, b] = [await part('dlv_a', 'a@example.net'), await part('dlv_b', 'b@example.net')];
    expect(a.body).toBe(b.body);
    expect(a.head.equals(b.head)).toBe(false);
    const key = { domain: 'sakura.com', algorithm: 'rsa-2048' as const, ...keys['rsa-2048'] };
    for (const parts of [a, b, a]) {
      const signed = await signParts(parts, key, date);
      expect(signed.toString('latin1')).toContain(parts.head.toString('latin1'));
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    }
  });

  it.each([
    ['Subject', ' A  long\r\n  subject\twith\t tabs ', 'subject:A long subject with tabs'],
    ['FROM', '   a@sakura.com', 'from:a@sakura.com'],
  ])('canonicalizes the header %s relaxed', (name, value, expected) => {
    expect(relaxedHeader(name, value)).toBe(expected);
  });

  it.each([
    ['trailing whitespace and empty lines go', 'a  b \t\r\nc\r\n\r\n\r\n', 'a b\r\nc\r\n'],
    ['an empty body stays empty', '', ''],
    ['a missing final line break is added', 'x', 'x\r\n'],
  ])('canonicalizes the body relaxed: %s', (_name, body, expected) => {
    expect(relaxedBody(Buffer.from(body)).toString()).toBe(expected);
  });
});
