import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

/** Backticked names that look like files or folders of the server, e.g. `delivery/engine.ts`. */
function citedPaths(text: string): string[] {
  return [...text.matchAll(/`([a-z][\w-]*(?:\/[\w.-]+)*(?:\.ts|\/))`/g)].map((m) => m[1] ?? '');
}

describe('docs/architecture.md', () => {
  it('names only files and folders that exist under src/', () => {
    const missing = citedPaths(doc).filter((p) => !existsSync(join(root, 'src', p)));
    expect(missing).toEqual([]);
  });

  it('places every top-level part of src/ in the layer table', () => {
    const table = doc.slice(doc.search(/\|\s*Layer\s*\|/), doc.indexOf('The console'));
    const parts = readdirSync(join(root, 'src'), { withFileTypes: true }).map((e) =>
      e.isDirectory() ? `${e.name}/` : e.name,
    );
    expect(parts.filter((p) => !table.includes(`\`${p}\``))).toEqual([]);
  });

  it('names functions that exist where it says they are', () => {
    const named = [...doc.matchAll(/`([\w.]+)` (?:\(|in )`([\w/-]+\.ts)`/g)].map((m): [string, string] => [
      m[1] ?? '',
      m[2] ?? '',
    ]);
    expect(named.length).toBeGreaterThanOrEqual(8);
    const wrong = named.filter(([name, file]) => {
      const src = readFileSync(join(root, 'src', file), 'utf8');
      const [owner, member] = name.split('.');
      const declared = new RegExp(`(function|class|const)\\s+${owner}\\b`).test(src);
      return !declared || (member !== undefined && !new RegExp(`\\b${member}\\(`).test(src));
    });
    expect(wrong).toEqual([]);
  });
});
