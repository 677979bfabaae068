/** The complaint-rate guard's view (issue 17): the org's day, its rate, and whether mass email is paused. */
import { z } from 'zod';

export const complaintRateSchema = z
  .object({
    day: z.string().describe("The org's calendar day, YYYY-MM-DD"),
    complaints: z.number().int().describe('Spam complaints on mass email received this day'),
    delivered: z.number().int().describe('Mass emails delivered this day'),
    rate: z.number().nullable().describe('complaints / delivered; null when nothing was delivered'),
    warnRate: z.number().describe('Above this the admins are warned (0.001)'),
    pauseRate: z.number().describe('Above this mass email pauses (0.003)'),
    minDelivered: z.number().int().describe('Delivered mass emails below which the guard does not act'),
    paused: z
      .object({
        day: z.string(),
        complaints: z.number().int(),
        delivered: z.number().int(),
        pausedAt: z.string(),
      })
      .nullable()
      .describe('Set while mass email is paused; individual and workflow mail keep flowing'),
  })
  .meta({ id: 'ComplaintRate' });
export type ComplaintRateView = z.infer<typeof complaintRateSchema>;
