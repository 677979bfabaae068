import { describe, expect, it } from 'vitest';
import { additionsFor } from '../../src/delivery/content-rules.js';
import { merge } from '../../src/delivery/merge.js';
import { MergeError, templateProblem } from '../../src/domain/merge-fields.js';

describe('merge fields read only what the recipient was given', () => {
  it.each([
    ['an inherited constructor', '{{constructor}}', {}, false, ''],
    ['an inherited toString in HTML', '<p>{{toString}}</p>', {}, true, '<p></p>'],
    ['__proto__ without fields', 'x{{__proto__}}y', undefined, false, 'xy'],
    ['hasOwnProperty', '{{ hasOwnProperty }}', { name: 'Ann' }, true, ''],
    ['an own field named like a prototype member', '{{constructor}}', { constructor: 'Ann' }, false, 'Ann'],
    ['a number, in decimal', 'You have {{n}} points', { n: 1500 }, false, 'You have 1500 points'],
    ['a string', 'Hi {{ name }}', { name: 'Ann <b>' }, true, 'Hi Ann &#60;b&#62;'],
  ])('%s', (_name, template, fields, html, expected) => {
    expect(merge(template, fields as never, html)).toBe(expected);
  });

  it.each([
    ['an object', { a: 1 }],
    ['null', null],
    ['a boolean', true],
    ['an infinite number', Number.POSITIVE_INFINITY],
  ])('refuses to merge a value that is %s', (_name, value) => {
    expect(() => merge('{{v}}', { v: value } as never, false)).toThrow(MergeError);
  });

  it('content rules merge the same way', () => {
    const add = additionsFor(
      [
        {
          id: 'r',
          position: 'footer',
          text: 'by {{constructor}}',
          html: '<i>{{toString}}</i>',
          recipientDomains: [],
        },
      ],
      {},
      undefined,
    );
    expect(add.footers[0]).toEqual({ text: 'by ', html: '<div class="mailroute-footer"><i></i></div>' });
  });
});

describe('templates refused at submission', () => {
  it.each([
    ['plain text', 'Hello there', undefined],
    ['valid tags', 'Hi {{name}}, {{ points_2 }}', undefined],
    ['single braces', 'a {b} c', undefined],
    ['a reserved name', 'Hi {{constructor}}', '{{constructor}} is a reserved name, not a merge field'],
    ['toString with spaces', '<p>{{ toString }}</p>', '{{toString}} is a reserved name, not a merge field'],
    ['__proto__', '{{__proto__}}', '{{__proto__}} is a reserved name, not a merge field'],
    [
      'a name with a space',
      'Hi {{first name}}',
      expect.stringContaining('{{first name}} is not a merge tag'),
    ],
    ['a dotted name', '{{user.name}}', expect.stringContaining('is not a merge tag')],
    ['empty braces', '{{}}', expect.stringContaining('is not a merge tag')],
    ['a name too long', `{{${'a'.repeat(65)}}}`, expect.stringContaining('is not a merge tag')],
  ])('%s', (_name, template, problem) => {
    expect(templateProblem(template)).toEqual(problem);
  });
});
