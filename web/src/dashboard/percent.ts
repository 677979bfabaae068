/** A rate (0–1, or null when nothing was counted) as a percentage with two decimals. */
export const percent = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(2)}%`);
