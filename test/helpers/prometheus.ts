/**
 * Parses the Prometheus text format with the reference parser: Python's prometheus_client, from
 * Debian's python3-prometheus-client. It refuses what Prometheus would refuse, so a test that uses
 * it checks the format as well as the values.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
const MODULE = '/usr/lib/python3/dist-packages/prometheus_client';

/** Why the parser cannot run here, or undefined when it can. */
export const parserMissing: string | undefined =
  existsSync(PYTHON) && existsSync(MODULE)
    ? undefined
    : `the Prometheus text parser is missing (${MODULE}): apt-get install python3-prometheus-client`;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const script = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "help": f.documentation,
                "samples": [{"name": s.name, "labels": s.labels,
                             "value": s.value if math.isfinite(s.value) else str(s.value)} for s in f.samples]})
print(json.dumps(out))
`;

export function parsePrometheus(text: string): Family[] {
  const r = spawnSync(PYTHON, ['-c', script], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the Prometheus parser refused the text: ${r.stderr}\n${text}`);
  return JSON.parse(r.stdout) as Family[];
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when none. */
export function sampleValue(
  families: Family[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1)
    throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
