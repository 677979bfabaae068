/**
 * Keys of a parsed JSON value that could reach object prototypes when merged: `__proto__`, and a
 * `constructor` holding a `prototype` (the checks of Fastify's parser, secure-json-parse). Returns
 * the dotted path of the first found, for a 400 naming that field. Iterative, so no nesting depth
 * overflows the stack. Pure.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function findPrototypeKey(root: unknown): string | undefined {
  const pending: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (!isObject(next.value)) continue;
    for (const key of Object.keys(next.value)) {
      const child = next.value[key];
      const path = [...next.path, key];
      if (key === '__proto__') return path.join('.');
      if (key === 'constructor' && isObject(child) && Object.hasOwn(child, 'prototype'))
        return path.join('.');
      pending.push({ value: child, path });
    }
  }
  return undefined;
}
