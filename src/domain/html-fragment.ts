/**
 * A light check that an HTML fragment can be inserted into a message body without breaking it:
 * every element it opens is closed in order (void elements excepted), and it holds no document
 * structure (`html`, `head`, `body`) or script. Not a sanitizer: the fragment is an admin's.
 */
import type { CodedProblem } from './field-issues.js';

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const REFUSED = new Set(['html', 'head', 'body', 'script']);

/**
 * What is wrong with the fragment, coded (`html_refused`, `html_mismatch`, `html_stray_close`,
 * `html_unclosed`), or undefined when it can be inserted as it is.
 */
export function fragmentIssue(html: string): CodedProblem | undefined {
  const open: string[] = [];
  const stripped = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of stripped.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g)) {
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (REFUSED.has(name))
      return {
        code: 'html_refused',
        params: { element: `<${name}>` },
        message: `must not contain <${name}>: it is inserted into the body`,
      };
    if (VOID.has(name) || m[3] === '/') continue;
    if (!closing) open.push(name);
    else if (open.at(-1) === name) open.pop();
    else {
      const there = open.at(-1);
      const message = `</${name}> does not close the element open there (${there ? `<${there}>` : 'none'})`;
      return there
        ? { code: 'html_mismatch', params: { element: `</${name}>`, open: `<${there}>` }, message }
        : { code: 'html_stray_close', params: { element: `</${name}>` }, message };
    }
  }
  const last = open.at(-1);
  return last
    ? { code: 'html_unclosed', params: { element: `<${last}>` }, message: `<${last}> is never closed` }
    : undefined;
}

/** What is wrong with the fragment, in English, or undefined when it can be inserted as it is. */
export const fragmentProblem = (html: string): string | undefined => fragmentIssue(html)?.message;
