/**
 * Every page of the console (each `<Route path>` of web/src/app.tsx) with a way to reach it with the
 * seeded data, for the tests that walk them all (phone width, languages). A new route in app.tsx
 * fails `every route of the console is walked` until it is added here: one entry, with `path`
 * filling its parameters from the seed's ids and `ready` naming what shows once it has loaded.
 */
import type { ConsoleSeed } from './console-seed.js';

export interface ConsolePage {
  /** The route as app.tsx writes it, e.g. `/relays/:id`. */
  route: string;
  /** A short name for reports and screenshots. */
  name: string;
  /** The URL to open, with the route's parameters filled from the seed. */
  path: (seed: ConsoleSeed) => string;
  /** A CSS selector that is visible once the page has its data. */
  ready: string;
  /**
   * In the phone layout: a card (CSS selector of the row) whose status and actions must stay on
   * the screen, with the selectors of that status and of those actions inside it.
   */
  card?: { row: string; status?: string; actions?: string };
  /** The tallest the page may be at 390 px with the seed's data (default 12,000 px). */
  maxHeight?: number;
}

export const consolePages: ConsolePage[] = [
  { route: '/', name: 'home', path: () => '/', ready: 'main h1' },
  {
    route: '/relays',
    name: 'relays',
    path: () => '/relays',
    ready: 'tr[data-relay]',
    card: {
      row: 'tr[data-relay="Office relay"]',
      status: '.badge',
      actions: 'td.row-actions > :is(button, a)',
    },
  },
  { route: '/relays/new', name: 'relay-new', path: () => '/relays/new', ready: 'form', maxHeight: 8000 },
  {
    route: '/relays/:id',
    name: 'relay-edit',
    path: (s) => `/relays/${s.relayId}`,
    ready: '.auth-check table',
    maxHeight: 6000,
  },
  {
    route: '/relays/:id/health',
    name: 'relay-health',
    path: (s) => `/relays/${s.relayId}/health`,
    ready: 'main h1',
  },
  {
    route: '/domains',
    name: 'domains',
    path: () => '/domains',
    ready: 'section.domain li[data-record]',
    maxHeight: 6000,
  },
  {
    route: '/ip-allow-list',
    name: 'ip-allow-list',
    path: () => '/ip-allow-list',
    ready: 'section.datacenter',
  },
  {
    route: '/messages',
    name: 'messages',
    path: () => '/messages',
    ready: 'tr[data-recipient]',
    card: { row: 'tr[data-recipient]', status: '.badge' },
  },
  {
    route: '/messages/:id',
    name: 'message-bounced',
    path: (s) => `/messages/${s.messages.bounced}`,
    ready: 'main h1',
  },
  {
    route: '/messages/:id',
    name: 'message-mass',
    path: (s) => `/messages/${s.messages.mass}`,
    ready: 'main h1',
  },
  {
    route: '/messages/:id',
    name: 'message-individual',
    path: (s) => `/messages/${s.messages.individual}`,
    ready: 'main h1',
  },
  { route: '/reports', name: 'reports', path: () => '/reports', ready: 'main h1' },
  {
    route: '/destinations',
    name: 'destinations',
    path: () => '/destinations',
    ready: 'section.destination',
  },
  {
    route: '/bounces',
    name: 'bounces',
    path: () => '/bounces',
    ready: 'tbody tr',
    card: { row: 'tbody tr' },
  },
  {
    route: '/suppressions',
    name: 'suppressions',
    path: () => '/suppressions',
    ready: 'tbody tr',
    card: { row: 'tbody tr', actions: 'button:not(dialog button)' },
  },
  {
    route: '/content-rules',
    name: 'content-rules',
    path: () => '/content-rules',
    ready: 'tbody tr',
    card: { row: 'tbody tr', status: '.badge', actions: 'button:not(dialog button)' },
  },
  { route: '/notifications', name: 'notifications', path: () => '/notifications', ready: 'main h1' },
  {
    route: '/audit-log',
    name: 'audit-log',
    path: () => '/audit-log',
    ready: 'tbody tr',
    card: { row: 'tbody tr' },
  },
  {
    route: '/webhooks',
    name: 'webhooks',
    path: () => '/webhooks',
    ready: 'tbody tr',
    card: { row: 'tbody tr', status: '.badge', actions: 'button:not(dialog button)' },
  },
  {
    route: '/api-keys',
    name: 'api-keys',
    path: () => '/api-keys',
    ready: 'tbody tr',
    card: { row: 'tbody tr', actions: 'button:not(dialog button)' },
  },
  {
    route: '/users',
    name: 'users',
    path: () => '/users',
    ready: 'tbody tr',
    card: { row: 'tbody tr', actions: 'button:not(dialog button)' },
  },
  { route: '/settings', name: 'settings', path: () => '/settings', ready: 'main h1' },
  { route: '*', name: 'not-found', path: () => '/no-such-page', ready: 'main .state' },
];

/** The `path` of each `<Route>` in app.tsx. */
export function appRoutes(appSource: string): string[] {
  return [...new Set([...appSource.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => m[1]!))];
}
