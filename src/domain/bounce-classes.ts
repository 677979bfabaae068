/** The classes of a bounced recipient (R18): what a bounce means for the address. */
export const bounceClasses = ['hard', 'soft', 'complaint', 'auto-reply', 'delivered', 'unknown'] as const;
export type BounceClass = (typeof bounceClasses)[number];
