/** Warnings about a relay's settings (R6). No imports: the console loads the list too. */
export const relayWarningCodes = [
  'port_465_starttls',
  'port_587_implicit_tls',
  'port_25_plaintext',
  'certificate_not_verified',
  'open_relay',
  'domain_unverified',
] as const;

/** A warning about a relay's settings: it is saved anyway (R6). */
export interface RelayWarning {
  code: (typeof relayWarningCodes)[number];
  message: { ja: string; en: string };
  /** Egress ranges to allow-list on the relay. */
  ranges?: string[];
}
