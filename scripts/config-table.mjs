// Rewrites the configuration table of README.md from the settings' documentation in
// src/config/schema.ts (run after `npm run build`). The README test checks they agree.
import fs from 'node:fs';

const { settingDocs } = await import('../dist/config/schema.js');
const table = settingDocs.map((d) => `| \`${d.key}\` | ${d.defaultText} | ${d.doc} |`).join('\n');
let readme = fs.readFileSync('README.md', 'utf8');
const start = readme.indexOf('| key');
const lines = readme.slice(start).split('\n');
let end = 2;
while (lines[end]?.startsWith('|')) end++;
readme = `${readme.slice(0, start)}${lines.slice(0, 2).join('\n')}\n${table}\n${lines.slice(end).join('\n')}`;
fs.writeFileSync('README.md', readme);
