/**
 * A light check that an HTML fragment can be inserted into a message body without breaking it:
 * every element it opens is closed in order (void elements excepted), and it holds no document
 * structure (`html`, `head`, `body`) or script. Not a sanitizer: the fragment is an admin's.
 */
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

/** What is wrong with the fragment, or undefined when it can be inserted as it is. */
export function fragmentProblem(html: string): string | undefined {
  const open: string[] = [];
  const stripped = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of stripped.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g)) {
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (REFUSED.has(name)) return `must not contain <${name}>: it is inserted into the body`;
    if (VOID.has(name) || m[3] === '/') continue;
    if (!closing) open.push(name);
    else if (open.at(-1) === name) open.pop();
    else
      return `</${name}> does not close the element open there (${open.at(-1) ? `<${open.at(-1)}>` : 'none'})`;
  }
  return open.length > 0 ? `<${open.at(-1)}> is never closed` : undefined;
}
