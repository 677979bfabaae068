/** The relay "test connection" probe (SPEC R5): what the HTTP routes and the CLI use. */
export { DEFAULT_STEP_TIMEOUT_MS } from './context.js';
export { type Explanation, explain, type ProbeIssue, probeExplanations } from './explanations.js';
export { probeRelay } from './probe.js';
export { serversResolve, systemResolve } from './resolve.js';
export type {
  CertificateReport,
  CertificateVerdict,
  ProbeAuth,
  ProbeDeps,
  ProbeResult,
  ProbeStep,
  ProbeStepName,
  ProbeTarget,
} from './types.js';
