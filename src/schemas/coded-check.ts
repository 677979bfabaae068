/**
 * A refinement's own field-issue code (`domain/field-issues.ts`), so that the console words the
 * check in the user's language instead of a generic "invalid": `issueOfZod` reads `params.code`.
 */
import type { RefinementCtx } from 'zod';
import type { CodedProblem, IssueParams } from '../domain/field-issues.js';

/** The options of `.refine(check, coded('time_zone', 'must be …'))`. */
export const coded = (code: string, message: string, params?: IssueParams) => ({
  message,
  params: { code, ...params },
});

/** Reports a pure check's coded problem from a `superRefine` or `transform`. */
export function addCoded(ctx: RefinementCtx, problem: CodedProblem): void {
  ctx.addIssue({
    code: 'custom',
    message: problem.message,
    params: { code: problem.code, ...problem.params },
  });
}
