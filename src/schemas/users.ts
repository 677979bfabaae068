/** Console users of an org and their roles (admin changes, member reads). */
import { z } from 'zod';

export const userRoleSchema = z.enum(['admin', 'member'], { error: 'must be "admin" or "member"' });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: userRoleSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof userSchema>;

const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(1000, 'must be at most 1000 characters');

export const userCreateSchema = z
  .object({
    email: z.email('must be an email address'),
    name: z.string().trim().min(1, 'must not be empty').max(100),
    role: userRoleSchema,
    password,
  })
  .strict();

export const userPatchSchema = z
  .object({ name: z.string().trim().min(1, 'must not be empty').max(100), role: userRoleSchema, password })
  .partial()
  .strict();
