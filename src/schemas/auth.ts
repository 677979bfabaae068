/** Console login and the current principal. */
import { z } from 'zod';

export const loginSchema = z
  .object({
    email: z.email('must be an email address'),
    password: z.string().min(1, 'must not be empty').max(1000),
    orgId: z
      .string()
      .min(1, 'must not be empty')
      .max(64)
      .optional()
      .describe('The org to enter, when the email and password match in several (see the 409)'),
  })
  .strict();

export const meSchema = z
  .object({
    kind: z.enum(['user', 'api_key']),
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    timeZone: z.string().describe("The org's IANA time zone: the console shows every time in it, named"),
    role: z.enum(['admin', 'member', 'send']),
    label: z.string(),
  })
  .meta({ id: 'Me' });

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
    newPassword: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(1000, 'must be at most 1000 characters'),
  })
  .strict();
