/**
 * What the probe's steps share: the target and injected dependencies (read-only), and the session
 * (the sockets opened, to close them all at the end, the current SMTP channel and the capabilities
 * of the last EHLO).
 */
import type { Socket } from 'node:net';
import type { SmtpChannel } from './smtp-channel.js';
import type { ProbeDeps, ProbeTarget } from './types.js';

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;

export interface ProbeContext {
  target: ProbeTarget;
  deps: ProbeDeps;
  timeoutMs: number;
  now: () => number;
}

/** EHLO keywords (upper case) and their parameters, e.g. `AUTH` → `['PLAIN', 'LOGIN']`. */
export type Capabilities = Map<string, string[]>;

export interface ProbeSession {
  sockets: Socket[];
  channel?: SmtpChannel;
  capabilities: Capabilities;
}
