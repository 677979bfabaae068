import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../src/domain/plans.js';

/** Writes plans to a fresh file for MAILROUTE_PLANS and returns its path. */
export function plansFile(...plans: Plan[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mailroute-plans-')), 'plans.json');
  writeFileSync(file, JSON.stringify(plans));
  return file;
}
