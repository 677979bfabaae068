/**
 * The API's own checks (refinements) carry a code of their own, and the console words each in
 * Japanese and in English: a user who mistypes a domain, a merge tag, an HTML fragment or a webhook
 * URL reads what is wrong in their language, not a generic "invalid" (issue 20's leftover).
 */
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fragmentIssue } from '../../src/domain/html-fragment.js';
import { templateIssue } from '../../src/domain/merge-fields.js';
import { bounceMailboxInputSchema } from '../../src/schemas/bounce-mailboxes.js';
import { contentRuleCreateSchema } from '../../src/schemas/content-rules.js';
import { containsQuerySchema } from '../../src/schemas/datacenters.js';
import { issueOfZod } from '../../src/schemas/field-issues.js';
import { messageSubmitSchema } from '../../src/schemas/messages.js';
import { relayCreateSchema } from '../../src/schemas/relays.js';
import { settingsPatchSchema } from '../../src/schemas/settings.js';
import { webhookEndpointCreateSchema } from '../../src/schemas/webhooks.js';
import { en } from '../../web/src/i18n/en.js';
import { ja } from '../../web/src/i18n/ja.js';
import { issueText } from '../../web/src/i18n/words.js';

const rule = { name: 'r', position: 'footer', emailTypes: ['mass'] };
const relay = {
  name: 'r',
  host: '127.0.0.1',
  port: 587,
  security: 'starttls',
  dailyLimit: 1,
  domainId: 'd',
  dkimSigning: false,
  bounceHandling: { mode: 'platform' },
};

/** [schema, input, field, code, what the Japanese words must name] */
const cases: [z.ZodType, unknown, string, string, string][] = [
  [
    contentRuleCreateSchema,
    { ...rule, text: 'x', recipientDomains: ['not a domain'] },
    'recipientDomains.0',
    'domain_name',
    'example.com',
  ],
  [
    contentRuleCreateSchema,
    { ...rule, text: 'Hi {{ first name }}' },
    'text',
    'merge_tag',
    '{{ first name }}',
  ],
  [contentRuleCreateSchema, { ...rule, text: 'Hi {{constructor}}' }, 'text', 'reserved_field', 'constructor'],
  [
    contentRuleCreateSchema,
    { ...rule, text: 'x', html: '<script>x</script>' },
    'html',
    'html_refused',
    '<script>',
  ],
  [contentRuleCreateSchema, { ...rule, text: 'x', html: '<p><b>x</p>' }, 'html', 'html_mismatch', '<b>'],
  [contentRuleCreateSchema, { ...rule, text: 'x', html: 'x</p>' }, 'html', 'html_stray_close', '</p>'],
  [contentRuleCreateSchema, { ...rule, text: 'x', html: '<div>x' }, 'html', 'html_unclosed', '<div>'],
  [
    messageSubmitSchema,
    { type: 'workflow', from: 'a@example.com', to: ['b@example.net'], subject: 'a\nb', text: 'x' },
    'subject',
    'control_characters',
    '改行',
  ],
  [relayCreateSchema, { ...relay, emailTypes: ['mass', 'mass'] }, 'emailTypes', 'repeated', '重複'],
  [settingsPatchSchema, { timeZone: 'Mars/Olympus' }, 'timeZone', 'time_zone', 'Asia/Tokyo'],
  [
    webhookEndpointCreateSchema,
    { url: 'ftp://127.0.0.1/x', events: ['delivery.sent'] },
    'url',
    'http_url',
    'https',
  ],
  [
    webhookEndpointCreateSchema,
    { url: 'https://user:secret@127.0.0.1/x', events: ['delivery.sent'] },
    'url',
    'url_credentials',
    'user:pass@',
  ],
  [containsQuerySchema, { ip: 'not-an-ip' }, 'ip', 'ip_address', 'IPv4'],
];

beforeAll(async () => {
  // As the console sets it up (React escapes what it renders).
  await i18n.init({
    lng: 'ja',
    interpolation: { escapeValue: false },
    resources: { ja: { translation: ja }, en: { translation: en } },
  });
});

describe('coded checks', () => {
  it.each(cases)('%#: gives its own code, worded in Japanese', async (schema, input, field, code, names) => {
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.map((i) => issueOfZod(i)).find((i) => i.field === field);
    expect(issue?.code).toBe(code);
    await i18n.changeLanguage('ja');
    const words = issueText(issue!);
    expect(words).toBe(i18n.t(`words.fieldIssues.${code}`, issue!.params ?? {}));
    expect(words).toContain(names);
    expect(words).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('has the words of every code in both catalogues', () => {
    for (const [, , , code] of cases) {
      expect(ja.words.fieldIssues, code).toHaveProperty(code);
      expect(en.words.fieldIssues, code).toHaveProperty(code);
    }
  });

  it('folder names refuse wildcards with their own code', () => {
    const r = bounceMailboxInputSchema.safeParse({ mailbox: 'INBOX*' });
    const issue = r.error!.issues.map((i) => issueOfZod(i)).find((i) => i.field === 'mailbox');
    expect(issue?.code).toBe('folder_characters');
  });

  it('keeps the English messages of the pure checks', () => {
    expect(templateIssue('{{ a b }}')?.message).toBe(
      '{{ a b }} is not a merge tag: write {{name}}, the name 1 to 64 letters, digits and _',
    );
    expect(fragmentIssue('</p>')?.message).toBe('</p> does not close the element open there (none)');
  });
});
