/**
 * The kinds of mail a CRM sends (R8): relays are chosen per type, and caps and content rules apply
 * per type. `system` is mail mailroute itself sends (notices to admins); no relay carries it.
 * No imports: the console loads the list too.
 */
export const emailTypes = ['workflow', 'mass', 'individual'] as const;
export type EmailType = (typeof emailTypes)[number];

/** What a message row records: an email type, or `system` for mailroute's own notices. */
export type MessageType = EmailType | 'system';
