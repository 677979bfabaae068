/** The dashboard's shape as the API answers it (`src/schemas/dashboard.ts`), type-only. */
import type { z } from 'zod';
import type { dashboardSchema } from '../../../src/schemas/dashboard.js';

export type DashboardView = z.output<typeof dashboardSchema>;
export type DashboardRelay = DashboardView['relays'][number];
