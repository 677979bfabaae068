/**
 * zod compiles object parsers with `new Function` unless told not to; the console's
 * Content-Security-Policy forbids eval, so it runs jitless. Imported first by main.tsx, before any
 * schema is built (zod decides per schema, when it is made).
 */
import { z } from 'zod';

z.config({ jitless: true });
