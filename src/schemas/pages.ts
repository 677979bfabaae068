/**
 * List pages, shared by every listing resource: the query (`limit`, `cursor`) and the answer
 * (`items`, `nextCursor`). Free of Node, so the console reads the same shapes.
 */
import { z } from 'zod';

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be between 1 and 500')
    .max(500, 'must be between 1 and 500')
    .default(100),
  // Room for a key holding a 320-character address (suppressions).
  cursor: z.string().max(600, 'must be at most 600 characters').optional(),
});

/** One page of a list: its items and the cursor of the next page (null on the last). */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
