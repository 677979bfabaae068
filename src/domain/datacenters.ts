/**
 * Data centers: a region of the platform with its published egress IP ranges and bounce domain
 * (SPEC R22). Without `MAILROUTE_DATACENTERS` mailroute runs as one local data center.
 */
import { z } from 'zod';
import { parseCidr } from './cidr.js';

const cidr = z.string().refine(
  (s) => {
    try {
      parseCidr(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IPv4 or IPv6 address or CIDR range without host bits' },
);

export const dataCenterSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be lowercase letters, digits, - or _'),
  name: z.string().min(1),
  egress: z.array(cidr),
  bounceDomain: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$|^localhost$/i, 'must be a domain name'),
  egressAddress: z.string().optional(),
});

export type DataCenter = z.infer<typeof dataCenterSchema>;

export const defaultDataCenters: readonly DataCenter[] = Object.freeze([
  {
    id: 'local',
    name: 'Local',
    egress: ['127.0.0.0/8', '::1/128'],
    bounceDomain: 'bounces.mailroute.localhost',
  },
]);
