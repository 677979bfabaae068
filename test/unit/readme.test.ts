import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingDocs } from '../../src/config/schema.js';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = readme
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => l.split('|').map((c) => c.trim()));
  it('documents every setting with its default', () => {
    for (const d of settingDocs) {
      expect(rows.find((r) => r[1] === `\`${d.key}\``)?.[2], d.key).toBe(d.defaultText);
    }
  });
  it('lists no setting the configuration does not have', () => {
    const listed = rows.map((r) => /^`([A-Z][A-Z0-9_]+)`$/.exec(r[1] ?? '')?.[1]).filter(Boolean);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual(settingDocs.map((d) => d.key).sort());
  });
  it('names the install-and-start and the test command', () => {
    expect(readme).toContain('npm ci && MAILROUTE_BOOTSTRAP_API_KEY=');
    expect(readme).toContain('npm test');
  });
});
