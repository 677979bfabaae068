/**
 * The registry of MTA families with layouts of their own, tried before the layout scan.
 */
import type { TextFormat } from './index.js';

export const families: readonly TextFormat[] = [];
