/**
 * The bulk senders' compliance check (issue 17): what the large mailbox providers require of anyone
 * sending them bulk mail (Gmail and Yahoo since February 2024, Outlook.com since May 2025), checked
 * for one sending domain on each of its routes. It reads the existing authentication check of each
 * route (`authentication-check.ts`, `auth-findings.ts`) and adds what that does not look at: the
 * DKIM key's size, forward-confirmed reverse DNS of the data center's egress address, and TLS to
 * each relay. Each finding names the provider rule it comes from, in Japanese and English, with the
 * record to publish when one is missing. Pure.
 */
import type { AuthenticationCheck } from './authentication-check.js';

export const complianceRules = ['spf', 'dkim', 'dmarc_present', 'dmarc_aligned', 'fcrdns', 'tls'] as const;
export type ComplianceRule = (typeof complianceRules)[number];
export const complianceStatuses = ['pass', 'warn', 'fail'] as const;
export type ComplianceStatus = (typeof complianceStatuses)[number];

export interface DnsRecordToPublish {
  type: 'TXT' | 'PTR' | 'A' | 'AAAA';
  name: string;
  value: string;
}

type Msg = { ja: string; en: string };

export interface ComplianceFinding {
  rule: ComplianceRule;
  /** `platform`, a relay's name, or null for the domain as a whole. */
  route: string | null;
  status: ComplianceStatus;
  /** The provider requirement this comes from. */
  providerRule: Msg;
  message: Msg;
  record?: DnsRecordToPublish;
}

export interface ComplianceRoute {
  /** `platform`, or the relay's name. */
  name: string;
  check: AuthenticationCheck;
  /** The relay's connection security; absent for platform delivery. */
  security?: 'ssl' | 'tls' | 'none';
  /** What a live connection to the relay found about TLS; absent when it was not probed. */
  tlsProbe?: TlsProbeFact;
}

/** The TLS part of a live probe of a relay (its `tls` step, or how far it got before it). */
export type TlsProbeFact =
  | { reached: false; explanation: Msg }
  | { reached: true; ok: false; explanation: Msg }
  | { reached: true; ok: true; certificate: 'valid' | 'problem'; detail: string };

export interface ComplianceFacts {
  domain: string;
  routes: ComplianceRoute[];
  /** The domain's active DKIM key, if it has one. */
  dkimKey: { algorithm: 'rsa-2048' | 'ed25519' } | null;
  egress: {
    address: string | null;
    reverseName: string | null;
    /** Names the PTR lookup gave; null when it failed. */
    ptr: string[] | null;
    /** Whether one of those names resolves back to the address. */
    confirmed: boolean;
  };
}

export const providerRules: Record<ComplianceRule, Msg> = {
  spf: {
    en: 'Gmail, Yahoo and Outlook.com bulk-sender requirements: the sending domain publishes SPF that authorizes the sending IP.',
    ja: 'Gmail・Yahoo・Outlook.com の一括送信者ガイドライン: 送信ドメインは送信元IPを許可するSPFを公開すること。',
  },
  dkim: {
    en: 'Gmail, Yahoo and Outlook.com bulk-sender requirements: mail is DKIM-signed for the From domain with a key of at least 1024 bits (2048 recommended).',
    ja: 'Gmail・Yahoo・Outlook.com の一括送信者ガイドライン: 送信元ドメインのDKIM署名を付けること（鍵長1024ビット以上、2048ビット推奨）。',
  },
  dmarc_present: {
    en: 'Gmail, Yahoo and Outlook.com bulk-sender requirements: the From domain publishes a DMARC record (p=none is enough).',
    ja: 'Gmail・Yahoo・Outlook.com の一括送信者ガイドライン: 送信元ドメインにDMARCレコードを公開すること（p=none で可）。',
  },
  dmarc_aligned: {
    en: 'Gmail and Yahoo bulk-sender requirements: DMARC passes, with SPF or DKIM aligned with the From domain.',
    ja: 'Gmail・Yahoo の一括送信者ガイドライン: SPFまたはDKIMが送信元ドメインと一致し、DMARCに合格すること。',
  },
  fcrdns: {
    en: 'Gmail sender guidelines: sending IPs have valid forward and reverse DNS (a PTR name that resolves back to the IP).',
    ja: 'Gmail の送信者ガイドライン: 送信元IPに正引き・逆引きが一致するDNS（IPに戻るPTR名）を設定すること。',
  },
  tls: {
    en: 'Gmail sender guidelines: use a TLS connection for transmitting email.',
    ja: 'Gmail の送信者ガイドライン: メールの送信にTLS接続を使用すること。',
  },
};

const finding = (
  rule: ComplianceRule,
  route: string | null,
  status: ComplianceStatus,
  message: Msg,
  record?: DnsRecordToPublish,
): ComplianceFinding => ({
  rule,
  route,
  status,
  providerRule: providerRules[rule],
  message,
  ...(record ? { record } : {}),
});

function spf(r: ComplianceRoute): ComplianceFinding {
  const last = r.check.hops.at(-1)!.spf;
  if (last.result === 'pass')
    return finding('spf', r.name, 'pass', {
      en: `SPF of ${last.domain} passes for ${last.ip}.`,
      ja: `${last.domain} のSPFは ${last.ip} に対して合格です。`,
    });
  const fix = r.check.findings.find((f) => f.code.startsWith('spf_') && f.record)?.record;
  return finding(
    'spf',
    r.name,
    'fail',
    {
      en: `SPF of ${last.domain} gives "${last.result}" for ${last.ip ?? 'the sending address'} on this route.${fix ? ` Publish: ${fix.name} TXT "${fix.value}"` : ''}`,
      ja: `この経路では ${last.domain} のSPFが ${last.ip ?? '送信元アドレス'} に対して "${last.result}" となります。${fix ? `次を公開してください: ${fix.name} TXT "${fix.value}"` : ''}`,
    },
    fix,
  );
}

function dkim(f: ComplianceFacts): ComplianceFinding[] {
  if (!f.dkimKey)
    return [
      finding('dkim', null, 'fail', {
        en: `${f.domain} has no active DKIM key. Generate an RSA-2048 key under Domains and publish its TXT record.`,
        ja: `${f.domain} に有効なDKIMキーがありません。ドメインの画面でRSA-2048のキーを生成し、TXTレコードを公開してください。`,
      }),
    ];
  const out: ComplianceFinding[] = [];
  const record = f.routes.map((r) => r.check.dkim.record).find((x) => x.expected && !x.valid);
  if (record?.expected)
    out.push(
      finding(
        'dkim',
        null,
        'fail',
        {
          en: `The DKIM record of ${f.domain} is not published as mailroute signs. Publish: ${record.expected.name} TXT "${record.expected.value}"`,
          ja: `${f.domain} のDKIMレコードが署名に使う鍵のとおり公開されていません。次を公開してください: ${record.expected.name} TXT "${record.expected.value}"`,
        },
        record.expected,
      ),
    );
  out.push(
    f.dkimKey.algorithm === 'rsa-2048'
      ? finding('dkim', null, 'pass', {
          en: `${f.domain} signs with a 2048-bit RSA key.`,
          ja: `${f.domain} は2048ビットのRSA鍵で署名しています。`,
        })
      : finding('dkim', null, 'warn', {
          en: `${f.domain} signs with an Ed25519 key only, which not every provider verifies (Gmail does not). Rotate to an RSA-2048 key under Domains.`,
          ja: `${f.domain} はEd25519鍵のみで署名していますが、検証しない事業者があります（Gmailは検証しません）。ドメインの画面でRSA-2048の鍵に切り替えてください。`,
        }),
  );
  return out;
}

function dmarcPresent(f: ComplianceFacts): ComplianceFinding {
  const record = f.routes.map((r) => r.check.dmarc.record).find((x) => x !== null);
  if (record)
    return finding('dmarc_present', null, 'pass', {
      en: `${f.domain} publishes DMARC: ${record}`,
      ja: `${f.domain} はDMARCを公開しています: ${record}`,
    });
  return finding(
    'dmarc_present',
    null,
    'fail',
    {
      en: `${f.domain} publishes no DMARC record. Publish: _dmarc.${f.domain} TXT "v=DMARC1; p=none"`,
      ja: `${f.domain} にDMARCレコードがありません。次を公開してください: _dmarc.${f.domain} TXT "v=DMARC1; p=none"`,
    },
    { type: 'TXT', name: `_dmarc.${f.domain}`, value: 'v=DMARC1; p=none' },
  );
}

function dmarcAligned(r: ComplianceRoute): ComplianceFinding {
  const result = r.check.dmarc.result;
  if (result === 'pass')
    return finding('dmarc_aligned', r.name, 'pass', {
      en: 'DMARC passes on this route.',
      ja: 'この経路ではDMARCに合格します。',
    });
  return finding('dmarc_aligned', r.name, 'fail', {
    en: `DMARC does not pass on this route ("${result}"): neither SPF nor DKIM passes aligned with ${r.check.domain}. See the DKIM and SPF findings of the authentication check.`,
    ja: `この経路ではDMARCに合格しません（"${result}"）。SPFもDKIMも ${r.check.domain} と一致した形で合格していません。認証チェックのDKIMとSPFの項目を参照してください。`,
  });
}

function fcrdns(f: ComplianceFacts): ComplianceFinding {
  const { address, reverseName, ptr, confirmed } = f.egress;
  if (!address || !reverseName || ptr === null)
    return finding('fcrdns', 'platform', 'warn', {
      en: "The data center's egress address could not be checked (set egressAddress in MAILROUTE_DATACENTERS, or a DNS lookup failed).",
      ja: 'データセンターの送信元アドレスを確認できませんでした（MAILROUTE_DATACENTERS の egressAddress を設定するか、DNS検索の失敗です）。',
    });
  if (ptr.length === 0)
    return finding(
      'fcrdns',
      'platform',
      'fail',
      {
        en: `The egress address ${address} has no reverse DNS. The operator of the data center publishes a PTR record at ${reverseName} naming a host whose A/AAAA record is ${address}.`,
        ja: `送信元アドレス ${address} に逆引きDNSがありません。データセンターの運用者が ${reverseName} に、A/AAAAレコードが ${address} となるホスト名のPTRレコードを公開してください。`,
      },
      { type: 'PTR', name: reverseName, value: '<host name of the egress address>' },
    );
  if (!confirmed)
    return finding(
      'fcrdns',
      'platform',
      'fail',
      {
        en: `The reverse name of ${address} is ${ptr[0]}, which does not resolve back to ${address}. Publish: ${ptr[0]} ${address.includes(':') ? 'AAAA' : 'A'} ${address}`,
        ja: `${address} の逆引き名は ${ptr[0]} ですが、正引きで ${address} に戻りません。次を公開してください: ${ptr[0]} ${address.includes(':') ? 'AAAA' : 'A'} ${address}`,
      },
      { type: address.includes(':') ? 'AAAA' : 'A', name: ptr[0]!, value: address },
    );
  return finding('fcrdns', 'platform', 'pass', {
    en: `${address} reverses to ${ptr[0]}, which resolves back to it.`,
    ja: `${address} の逆引き名 ${ptr[0]} は正引きで ${address} に戻ります。`,
  });
}

function tls(r: ComplianceRoute): ComplianceFinding[] {
  if (r.security === undefined) return [];
  if (r.security === 'none')
    return [
      finding('tls', r.name, 'fail', {
        en: `The relay ${r.name} is reached without TLS. Set its security to TLS (STARTTLS) or SSL.`,
        ja: `リレーサーバー ${r.name} にはTLSなしで接続しています。接続の保護をTLS（STARTTLS）またはSSLにしてください。`,
      }),
    ];
  const mode = r.security === 'tls' ? 'TLS (STARTTLS)' : 'SSL';
  const modeJa = r.security === 'tls' ? 'TLS（STARTTLS）' : 'SSL';
  const p = r.tlsProbe;
  if (p === undefined)
    return [
      finding('tls', r.name, 'pass', {
        en: `The relay ${r.name} is set to ${mode}.`,
        ja: `リレーサーバー ${r.name} は ${modeJa} で接続する設定です。`,
      }),
    ];
  if (!p.reached)
    return [
      finding('tls', r.name, 'warn', {
        en: `The relay ${r.name} is set to ${mode}, but TLS could not be checked: the connection did not get that far. ${p.explanation.en}`,
        ja: `リレーサーバー ${r.name} は ${modeJa} の設定ですが、接続がそこまで進まずTLSを確認できませんでした。${p.explanation.ja}`,
      }),
    ];
  if (!p.ok)
    return [
      finding('tls', r.name, 'fail', {
        en: `The relay ${r.name} did not complete ${mode}, so mail to it cannot go out encrypted. ${p.explanation.en}`,
        ja: `リレーサーバー ${r.name} との ${modeJa} が確立しなかったため、暗号化して送信できません。${p.explanation.ja}`,
      }),
    ];
  if (p.certificate === 'problem')
    return [
      finding('tls', r.name, 'warn', {
        en: `The relay ${r.name} speaks ${mode}, but its certificate does not verify (${p.detail}).`,
        ja: `リレーサーバー ${r.name} とは ${modeJa} で接続できますが、証明書を検証できません（${p.detail}）。`,
      }),
    ];
  return [
    finding('tls', r.name, 'pass', {
      en: `The relay ${r.name} negotiated ${mode} with a valid certificate (${p.detail}).`,
      ja: `リレーサーバー ${r.name} と ${modeJa} で接続し、証明書は有効です（${p.detail}）。`,
    }),
  ];
}

const order: Record<ComplianceStatus, number> = { fail: 0, warn: 1, pass: 2 };

export function complianceFindings(f: ComplianceFacts): ComplianceFinding[] {
  const findings = [
    ...f.routes.map(spf),
    ...dkim(f),
    dmarcPresent(f),
    ...f.routes.map(dmarcAligned),
    fcrdns(f),
    ...f.routes.flatMap(tls),
  ];
  return findings.sort((a, b) => order[a.status] - order[b.status]);
}

/** The reverse-DNS name of an IPv4 or IPv6 address. */
export function reverseName(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const [head = '', tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const full = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => g.padStart(4, '0'));
  return `${full.join('').split('').reverse().join('.')}.ip6.arpa`;
}
