/**
 * docs/requirements.md is where every requirement number the code cites resolves: `SPEC R16`,
 * `(R9b)`, `R2, R13`, `R8–R10` in src/, test/, web/src, README.md and docs/ must each name an entry
 * there, the entries run R1–R34 (with R9b) in order, and every file an entry's "Where:" names exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const docPath = 'docs/requirements.md';
const doc = readFileSync(join(root, docPath), 'utf8');

/** Requirement ids in the order the document must list them: R1…R34, with R9b after R9. */
const expectedIds = Array.from({ length: 34 }, (_, i) => `R${i + 1}`).flatMap((id) =>
  id === 'R9' ? [id, 'R9b'] : [id],
);

interface Entry {
  id: string;
  body: string;
}

function entries(text: string): Entry[] {
  const found: Entry[] = [];
  for (const section of text.split(/^(?=#{2,3} )/m)) {
    const m = /^### (R\d+[a-z]?)\s/.exec(section);
    if (m?.[1]) found.push({ id: m[1], body: section });
  }
  return found;
}

/** The ids a text cites: single ones (`R16`, `R9b`) and every number of a range (`R8–R10`). */
function citedIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\bR(\d+)[a-z]?\s*[–—-]\s*R?(\d+)[a-z]?\b/g)) {
    const [from, to] = [Number(m[1]), Number(m[2])];
    for (let n = from; n <= to; n++) ids.add(`R${n}`);
  }
  for (const m of text.matchAll(/\bR(\d+[a-z]?)\b/g)) ids.add(`R${m[1]}`);
  return [...ids];
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith(join('test', 'fixtures')) && p !== docPath);
}

/** The paths in backticks on an entry's "Where:" lines (up to the next blank line). */
function wherePaths(body: string): string[] {
  const where = /^Where:[\s\S]*?(?=\n\s*\n|$)/m.exec(body)?.[0] ?? '';
  return [...where.matchAll(/`((?:src|web|test|docs|bin)\/[^`\s]*)`/g)].map((m) => m[1] as string);
}

describe('docs/requirements.md', () => {
  const list = entries(doc);

  it('lists R1 to R34, with R9b, once each and in order', () => {
    expect(list.map((e) => e.id)).toEqual(expectedIds);
  });

  it('resolves every requirement number cited in the code, the tests, the console and the docs', () => {
    const sources = [
      ...filesUnder('src'),
      ...filesUnder('test'),
      ...filesUnder('web/src'),
      ...filesUnder('docs'),
    ]
      .filter((p) => /\.(ts|tsx|js|mjs|css|md)$/.test(p))
      .concat('README.md');
    const known = new Set(list.map((e) => e.id));
    const missing: string[] = [];
    let citations = 0;
    for (const file of sources) {
      for (const id of citedIds(readFileSync(join(root, file), 'utf8'))) {
        citations++;
        if (!known.has(id)) missing.push(`${file}: ${id}`);
      }
    }
    expect(citations).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('gives every requirement a "Where:" line whose files exist', () => {
    const problems: string[] = [];
    for (const e of list) {
      const paths = wherePaths(e.body);
      if (!/^Where:/m.test(e.body)) problems.push(`${e.id}: no "Where:" line`);
      else if (paths.length === 0 && !/Not built yet/.test(e.body)) problems.push(`${e.id}: names no file`);
      for (const p of paths) if (!existsSync(join(root, p))) problems.push(`${e.id}: ${p} does not exist`);
    }
    expect(problems).toEqual([]);
  });

  it('reads citations the way the code writes them', () => {
    expect(citedIds('SPEC R2, R13').sort()).toEqual(['R13', 'R2']);
    expect(citedIds('(SPEC R9b, R12)').sort()).toEqual(['R12', 'R9b']);
    expect(citedIds('SPEC R8–R10').sort()).toEqual(['R10', 'R8', 'R9']);
    expect(citedIds('R1-R4, R6').sort()).toEqual(['R1', 'R2', 'R3', 'R4', 'R6']);
    expect(citedIds('RFC 3464, PR2x, ARF')).toEqual([]);
  });
});
