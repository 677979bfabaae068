/**
 * Runs the probe's steps in order, timing each one with the injected clock and recording its
 * outcome. The first failed step ends the probe: `run` then throws `ProbeStopped`, so the steps not
 * reached stay absent from the result.
 */
import { explain, type ProbeIssue } from './explanations.js';
import { errorMessage, ProbeFailure } from './failure.js';
import type { CertificateReport, ProbeResult, ProbeStep, ProbeStepName, ProbeSummary } from './types.js';

export interface StepOutcome<T> {
  value: T;
  reply?: string;
  detail?: string;
  /** `detail` as a code and parameters, for the console to word in its language. */
  summary?: ProbeSummary;
  /** Warnings on a step that passed, explained in this order. */
  warnings?: ProbeIssue[];
  certificate?: CertificateReport;
}

export class ProbeStopped extends Error {
  override name = 'ProbeStopped';
}

export class StepRunner {
  private readonly steps: ProbeStep[] = [];

  constructor(private readonly now: () => number) {}

  async run<T>(step: ProbeStepName, body: () => Promise<StepOutcome<T>>): Promise<T> {
    const started = this.now();
    const ms = () => Math.max(0, Math.round(this.now() - started));
    let outcome: StepOutcome<T>;
    try {
      outcome = await body();
    } catch (error) {
      this.steps.push(failedStep(step, ms(), error));
      throw new ProbeStopped(step);
    }
    this.steps.push(passedStep(step, ms(), outcome));
    return outcome.value;
  }

  result(): ProbeResult {
    const steps = [...this.steps];
    return { ok: steps.length > 0 && steps.every((s) => s.ok), steps };
  }
}

function passedStep<T>(step: ProbeStepName, ms: number, outcome: StepOutcome<T>): ProbeStep {
  const warnings = outcome.warnings ?? [];
  return withoutUndefined({
    step,
    ok: true,
    ms,
    reply: outcome.reply,
    detail: outcome.detail,
    summary: outcome.summary,
    explanation: warnings.length > 0 ? explain(...warnings) : undefined,
    issue: warnings[0],
    certificate: outcome.certificate,
  });
}

function failedStep(step: ProbeStepName, ms: number, error: unknown): ProbeStep {
  const failure =
    error instanceof ProbeFailure ? error : new ProbeFailure('unexpected', { detail: errorMessage(error) });
  return withoutUndefined({
    step,
    ok: false,
    ms,
    reply: failure.info.reply,
    detail: failure.info.detail,
    explanation: explain(failure.issue),
    issue: failure.issue,
    certificate: failure.info.certificate,
  });
}

function withoutUndefined(step: ProbeStep): ProbeStep {
  return Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined)) as ProbeStep;
}
