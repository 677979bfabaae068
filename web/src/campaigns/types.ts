/** The campaign API's shapes as the console reads them, from the server's zod schemas (types only). */
import type { z } from 'zod';
import type { messageProgressSchema, recipientSchema } from '../../../src/schemas/campaigns.js';

export type MessageProgress = z.output<typeof messageProgressSchema>;
export type Recipient = z.output<typeof recipientSchema>;
