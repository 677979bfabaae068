/**
 * The field a position in a JSON text falls in: given the text up to that position (`prefix`),
 * the dotted path of the value being written there (`recipients.2.name`), as the API names
 * fields in its errors. Undefined when the position is not inside a value of an object or array
 * member (or the prefix is not JSON). Pure; used to name the field of a byte that is not UTF-8.
 */
interface Frame {
  kind: 'object' | 'array';
  key?: string;
  index: number;
  expectingKey: boolean;
}

export function jsonPathAt(prefix: string): string | undefined {
  const stack: Frame[] = [];
  let stringStart = -1;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i]!;
    if (stringStart >= 0) {
      if (ch === '\\') i++;
      else if (ch === '"') {
        const top = stack.at(-1);
        if (top?.kind === 'object' && top.expectingKey) {
          try {
            top.key = JSON.parse(prefix.slice(stringStart, i + 1)) as string;
          } catch {
            return undefined;
          }
          top.expectingKey = false;
        }
        stringStart = -1;
      }
      continue;
    }
    if (ch === '"') stringStart = i;
    else if (ch === '{') stack.push({ kind: 'object', index: 0, expectingKey: true });
    else if (ch === '[') stack.push({ kind: 'array', index: 0, expectingKey: false });
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'object') {
        top.expectingKey = true;
        top.key = undefined;
      } else if (top) top.index++;
    }
  }
  const path: string[] = [];
  for (const frame of stack) {
    if (frame.kind === 'array') path.push(String(frame.index));
    // Inside a key: the field is its object.
    else if (frame.expectingKey || frame.key === undefined) break;
    else path.push(frame.key);
  }
  return path.length > 0 ? path.join('.') : undefined;
}
