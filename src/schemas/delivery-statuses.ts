/** The delivery statuses as the HTTP contract validates them; the list lives in domain/. */
import { z } from 'zod';
import { deliveryStatuses } from '../domain/delivery-statuses.js';

export const deliveryStatusSchema = z.enum(deliveryStatuses);
