import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MimeTemplates } from '../../src/delivery/compose.js';
import { additionsFor, addToHtml, addToText, rulesFor } from '../../src/delivery/content-rules.js';
import { fragmentProblem } from '../../src/domain/html-fragment.js';
import type { AppliedRule } from '../../src/schemas/content-rules.js';
import type { MessageContent } from '../../src/schemas/messages.js';

const rule = (over: Partial<AppliedRule>): AppliedRule => ({
  id: 'crl_x',
  position: 'footer',
  text: 'Footer',
  html: null,
  recipientDomains: [],
  ...over,
});

describe('which rules apply to a recipient', () => {
  const rules = [
    rule({ id: 'all' }),
    rule({ id: 'partner', recipientDomains: ['partner.example'] }),
    rule({ id: 'two', recipientDomains: ['a.example', 'b.example'] }),
  ];
  it.each([
    ['example.net', ['all']],
    ['partner.example', ['all', 'partner']],
    ['Sales.Partner.Example', ['all', 'partner']],
    ['notpartner.example', ['all']],
    ['b.example', ['all', 'two']],
  ])('a recipient at %s gets %j', (domain, ids) => {
    expect(rulesFor(rules, domain).map((r) => r.id)).toEqual(ids);
  });
  it('a message without rules gets none', () => {
    expect(rulesFor(undefined, 'example.net')).toEqual([]);
  });
});

describe('adding notices and footers', () => {
  const add = additionsFor(
    [
      rule({ position: 'notice', text: 'Org notice for {{name}}' }),
      rule({ position: 'footer', text: 'Line 1\nLine <2> & more' }),
      rule({ position: 'footer', text: 'ignored in HTML', html: '<p>Footer <b>{{name}}</b></p>' }),
    ],
    { name: 'Ann & <Co>' },
    'Your own notice',
  );

  it('puts org notices, then the recipient notice, above the text, and footers below, merged', () => {
    expect(addToText('Body', add)).toBe(
      'Org notice for Ann & <Co>\n\nYour own notice\n\nBody\n\nLine 1\nLine <2> & more\n\nignored in HTML',
    );
  });

  it('escapes text-only rules and merged fields in HTML, and keeps a rule’s HTML as written', () => {
    expect(addToHtml('<p>Body</p>', add)).toBe(
      [
        '<div class="mailroute-notice">Org notice for Ann &#38; &#60;Co&#62;</div>',
        '<p>Your own notice</p>',
        '<p>Body</p>',
        '<div class="mailroute-footer">Line 1<br>\nLine &#60;2&#62; &#38; more</div>',
        '<div class="mailroute-footer"><p>Footer <b>Ann &#38; &#60;Co&#62;</b></p></div>',
      ].join('\n'),
    );
  });

  it('goes inside the body of a whole HTML document', () => {
    const html = addToHtml(
      '<html><head><title>x</title></head><body class="a>b"><p>Body</p></body></html>',
      add,
    );
    expect(html).toMatch(
      /^<html><head><title>x<\/title><\/head><body class="a>b">\n<div class="mailroute-notice">/,
    );
    expect(html).toMatch(/<\/div>\n<\/body><\/html>$/);
  });

  it('leaves a body alone when no rule applies', () => {
    const none = additionsFor([], undefined, undefined);
    expect(addToText('Body', none)).toBe('Body');
    expect(addToHtml('<p>Body</p>', none)).toBe('<p>Body</p>');
  });
});

describe('HTML fragments of rules', () => {
  it.each([
    ['<p>ok <b>bold</b><br> and <img src="x.png"> <br/></p>', undefined],
    ['<!-- <b> --><p>comment</p>', undefined],
    ['<a href="x?a=1&b=>">link</a>', undefined],
    ['<p>unclosed <b>bold</p>', '</p> does not close the element open there (<b>)'],
    ['<div>', '<div> is never closed'],
    ['</div>', '</div> does not close the element open there (none)'],
    ['<script>alert(1)</script>', 'must not contain <script>: it is inserted into the body'],
    ['</body>', 'must not contain <body>: it is inserted into the body'],
  ])('%s', (html, problem) => {
    expect(fragmentProblem(html)).toBe(problem);
  });
});

describe('composing once per set of rules', () => {
  const content: MessageContent = {
    from: 'amelia@sakura.com',
    to: ['x@partner.example', 'y@example.net'],
    cc: [],
    subject: 'Hi',
    text: 'Body',
    rules: [
      rule({
        id: 'crl_partner',
        position: 'notice',
        text: 'Partner notice',
        recipientDomains: ['partner.example'],
      }),
      rule({ id: 'crl_all', text: 'Footer' }),
    ],
  };
  const date = new Date('2026-11-28T03:00:00Z');
  it('keeps domain-limited rules apart in the templates', async () => {
    const templates = new MimeTemplates();
    const text = async (deliveryId: string, recipientDomain: string) =>
      (
        await simpleParser(
          await templates.compose('msg_1', content, {
            deliveryId,
            fromDomain: 'sakura.com',
            date,
            recipientDomain,
          }),
        )
      ).text?.trim();
    expect(await text('dlv_1', 'example.net')).toBe('Body\n\nFooter');
    expect(await text('dlv_2', 'partner.example')).toBe('Partner notice\n\nBody\n\nFooter');
    expect(await text('dlv_3', 'example.net')).toBe('Body\n\nFooter');
    expect(await text('dlv_4', 'sub.partner.example')).toBe('Partner notice\n\nBody\n\nFooter');
  });
});
