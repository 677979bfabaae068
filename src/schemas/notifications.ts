/** In-app notifications of an org (`GET /api/v1/notifications`), newest first. */
import { z } from 'zod';

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  read: z.boolean(),
});

export const notificationListSchema = z.object({ items: z.array(notificationSchema) });
