/** The bounce reason as the API shows and takes it: the domain's list, with what each one means. */
import { z } from 'zod';
import { reasonMeaningList } from '../domain/bounce-reason-meanings.js';
import { bounceReasons } from '../domain/bounce-reasons.js';

export const bounceReasonSchema = z
  .enum(bounceReasons, { error: `must be one of ${bounceReasons.join(', ')}` })
  .describe(`Why it bounced. ${reasonMeaningList()}.`);
