/**
 * Turns the lookups of an authentication check into findings (SPEC R21, R26): each says what a
 * receiver will see and, in plain words in Japanese and English, what to change, with the exact
 * DNS record to publish where the fix is one. Pure. Policy: whatever makes DMARC fail is an error;
 * a failure DKIM or SPF makes up for is a warning, or an explanation (info) where it is by design,
 * as with the platform's return path on the relay → recipient hop.
 */

import type { ReturnPathPlan } from './auth-plan.js';
import { spfTermFor, spfWithTerms } from './auth-plan.js';
import type { AuthenticationCheck, Finding, Hop } from './authentication-check.js';

type Txt = { type: 'TXT'; name: string; value: string };

export interface AuthFacts {
  domain: string;
  /** `relay` for mail through a relay; `platform` for platform delivery of this domain. */
  route: 'relay' | 'platform';
  returnPath: ReturnPathPlan;
  /** Through a relay: [platform → relay, relay → recipient]; platform delivery: [platform → recipient]. */
  hops: Hop[];
  relay?: { host: string; ips: string[]; authType: 'none' | 'password' | 'oauth2' };
  dataCenter: { name: string; ranges: string[] };
  dkim: AuthenticationCheck['dkim'] & {
    /** The relay's DKIM signing setting (always true for platform delivery). */
    enabled: boolean;
    /** Whether the domain has an active key (else platform delivery signs with the platform's). */
    hasKey: boolean;
    /** False when the record's lookup failed: nothing is known about it. */
    checked: boolean;
  };
  /** SPF passes on the last hop for a return-path domain aligned with the From domain. */
  spfAligned: boolean;
  dmarc: AuthenticationCheck['dmarc'];
  /** `checked` is false when the lookup failed. */
  verification: { record: Txt; found: boolean; checked: boolean; verified: boolean };
  /** Lookups that failed (timeouts, SERVFAIL), e.g. `TXT _dmarc.sakura.com`. */
  dnsErrors: string[];
}

type Msg = Finding['message'];
type Severity = Finding['severity'];

const code = (s: string) => `\`${s}\``;

function verificationFindings(f: AuthFacts): Finding[] {
  if (f.verification.verified || !f.verification.checked) return [];
  const { name, value } = f.verification.record;
  const message: Msg = f.verification.found
    ? {
        en: `The verification record of ${f.domain} is published; verify the domain now so mail from it is accepted.`,
        ja: `${f.domain} の確認用レコードは公開されています。ドメインの認証を今すぐ実行すると、このドメインからのメールが受け付けられます。`,
      }
    : {
        en: `${f.domain} is not verified: mail from it is refused. Publish the TXT record ${name} = "${value}", then verify the domain.`,
        ja: `${f.domain} は未認証のため、このドメインからのメールは受け付けられません。TXTレコード ${name} に "${value}" を公開してから、ドメインを認証してください。`,
      };
  return [
    {
      severity: f.verification.found ? 'warning' : 'error',
      code: 'domain_unverified',
      message,
      record: f.verification.record,
    },
  ];
}

function dkimFindings(f: AuthFacts): Finding[] {
  const out: Finding[] = [];
  const { dkim, domain } = f;
  const failing = f.dmarc.result === 'fail' || f.dmarc.result === 'none';
  if (f.route === 'relay' && !dkim.enabled) {
    out.push({
      severity: failing ? 'error' : 'warning',
      code: 'dkim_signing_off',
      message: {
        en: `DKIM signing is off for this relay, so the mail carries no signature of ${domain} (unless the relay server signs it itself). Turn on "DKIM signing" in the relay's settings: DKIM is what lets DMARC pass when SPF cannot.`,
        ja: `このリレーではDKIM署名がオフのため、メールに ${domain} の署名が付きません（リレーサーバー側で署名する場合を除く）。リレーの設定で「DKIM認証」をオンにしてください。SPFが通らない場合でも、DKIMによってDMARCを満たせます。`,
      },
    });
  }
  if (!dkim.hasKey) {
    out.push({
      severity: f.route === 'relay' && dkim.enabled ? 'error' : 'warning',
      code: f.route === 'platform' ? 'dkim_platform_key' : 'dkim_no_key',
      message: {
        en: `${domain} has no active DKIM key, so ${f.route === 'platform' ? "mail is signed with the platform's key, which is not aligned with your From domain" : 'the relay cannot sign'}. Generate a key under Domains and publish its TXT record.`,
        ja: `${domain} に有効なDKIMキーがないため、${f.route === 'platform' ? 'メールはプラットフォームのキーで署名され、送信元ドメインと一致しません' : 'リレー経由のメールに署名できません'}。ドメインの画面でキーを生成し、そのTXTレコードを公開してください。`,
      },
    });
    return out;
  }
  const expected = dkim.record.expected;
  if (!expected || dkim.record.valid || !dkim.checked) return out;
  const severity: Severity = dkim.signing ? 'error' : 'warning';
  out.push(
    dkim.record.found
      ? {
          severity,
          code: 'dkim_record_mismatch',
          message: {
            en: `The DKIM record at ${expected.name} publishes a different key from the one mailroute signs with, so receivers will see the signature fail. Replace it with exactly: ${expected.value}`,
            ja: `${expected.name} のDKIMレコードは、mailrouteが署名に使うキーとは別のキーを公開しているため、受信側で署名の検証に失敗します。次の値に置き換えてください: ${expected.value}`,
          },
          record: expected,
        }
      : {
          severity,
          code: 'dkim_record_missing',
          message: {
            en: `No DKIM record is published at ${expected.name}, so receivers cannot check the signature. Publish this TXT record exactly: ${expected.name} = "${expected.value}"`,
            ja: `${expected.name} にDKIMレコードが公開されていないため、受信側で署名を検証できません。次のTXTレコードをそのまま公開してください: ${expected.name} = "${expected.value}"`,
          },
          record: expected,
        },
  );
  return out;
}

const dkimPasses = (f: AuthFacts) => f.dkim.signing && f.dkim.aligned && f.dkim.record.valid;

/** SPF on the first hop: the data center's addresses sending for the return-path domain. */
function platformHopFinding(f: AuthFacts, hop: Hop): Finding[] {
  if (hop.spf.result === 'pass' || hop.spf.result === 'temperror' || !hop.spf.ip) return [];
  const rp = f.returnPath.domain;
  const terms = f.dataCenter.ranges.map((r) => (r.includes(':') ? `ip6:${r}` : `ip4:${r}`));
  const record: Txt = { type: 'TXT', name: rp, value: spfWithTerms(hop.spf.record, terms) };
  if (f.returnPath.platform) {
    return [
      {
        severity: 'warning',
        code: 'spf_platform_hop',
        message: {
          en: `SPF of the platform's bounce domain ${rp} gives "${hop.spf.result}" for the data center's address ${hop.spf.ip}. The mailroute operator should publish: ${rp} TXT "${record.value}"`,
          ja: `プラットフォームの返送先ドメイン ${rp} のSPFは、データセンターのアドレス ${hop.spf.ip} に対して "${hop.spf.result}" となります。mailrouteの運用者が次のレコードを公開してください: ${rp} TXT "${record.value}"`,
        },
        record,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      code: 'spf_platform_hop',
      message: {
        en: `The relay receives mail with the return path ${f.returnPath.address} from the ${f.dataCenter.name} data center (${hop.spf.ip}), which the SPF record of ${rp} does not list (SPF "${hop.spf.result}"). A relay that checks SPF may refuse it: add the data center's ranges to SPF (${code(record.value)}) or have the relay allow-list them.`,
        ja: `リレーサーバーは、返送先が ${f.returnPath.address} のメールを ${f.dataCenter.name} データセンター（${hop.spf.ip}）から受け取りますが、${rp} のSPFレコードにこのアドレスが含まれていません（SPF "${hop.spf.result}"）。SPFを確認するリレーサーバーでは拒否される場合があります。データセンターのIPアドレス範囲をSPFに追加する（${code(record.value)}）か、リレーサーバーの許可リストに登録してください。`,
      },
      record,
    },
  ];
}

/** SPF on the relay → recipient hop: the relay's address sending for the return-path domain. */
function relayHopFinding(f: AuthFacts, hop: Hop): Finding[] {
  const host = f.relay?.host ?? '';
  if (hop.spf.result === 'temperror') return [];
  if (!hop.spf.ip) {
    return [
      {
        severity: 'error',
        code: 'relay_host_unresolved',
        message: {
          en: `The relay host ${host} has no address in DNS: mail cannot reach it, and its SPF cannot be checked. Correct the host name or publish its A/AAAA record.`,
          ja: `リレーサーバーのホスト ${host} のアドレスがDNSで見つからないため、メールを送れず、SPFも確認できません。ホスト名を修正するか、A/AAAAレコードを公開してください。`,
        },
      },
    ];
  }
  if (hop.spf.result === 'pass') return [];
  const rp = f.returnPath.domain;
  const saved = dkimPasses(f);
  if (f.returnPath.platform) {
    return [
      {
        severity: saved ? 'info' : 'error',
        code: 'spf_relay_hop_platform_return_path',
        message: saved
          ? {
              en: `SPF fails from the relay to the recipient (${hop.spf.result}): the return path is the platform's (${f.returnPath.address}) but the mail comes from the relay (${hop.spf.ip}). This is expected, and DKIM signing with ${f.domain} makes DMARC pass.`,
              ja: `リレーサーバーから受信者への送信でSPFは失敗します（${hop.spf.result}）。返送先はプラットフォーム（${f.returnPath.address}）ですが、メールはリレーサーバー（${hop.spf.ip}）から送られるためです。これは想定どおりで、${f.domain} のDKIM署名によりDMARCを満たします。`,
            }
          : {
              en: `SPF fails from the relay to the recipient (${hop.spf.result}): the return path is the platform's (${f.returnPath.address}) but the mail comes from the relay (${hop.spf.ip}), and nothing else authenticates ${f.domain}. Enable DKIM signing with a published key, or set the bounce address to one on ${f.domain} whose SPF includes the relay.`,
              ja: `リレーサーバーから受信者への送信でSPFは失敗します（${hop.spf.result}）。返送先はプラットフォーム（${f.returnPath.address}）ですが、メールはリレーサーバー（${hop.spf.ip}）から送られ、${f.domain} を認証するものが他にありません。DKIM署名を有効にしてキーを公開するか、返送先を ${f.domain} のアドレス（SPFにリレーサーバーを含むもの）に設定してください。`,
            },
      },
    ];
  }
  const term = spfTermFor(hop.spf.ip);
  const record: Txt = { type: 'TXT', name: rp, value: spfWithTerms(hop.spf.record, [term]) };
  return [
    {
      severity: saved ? 'warning' : 'error',
      code: 'spf_relay_hop',
      message: {
        en: `SPF of ${rp} gives "${hop.spf.result}" for the relay ${host} (${hop.spf.ip}). Add ${code(term)} (or your relay provider's ${code('include:')}) to the SPF record: ${rp} TXT "${record.value}"`,
        ja: `${rp} のSPFは、リレーサーバー ${host}（${hop.spf.ip}）に対して "${hop.spf.result}" となります。SPFレコードに ${code(term)}（またはリレー事業者の ${code('include:')}）を追加してください: ${rp} TXT "${record.value}"`,
      },
      record,
    },
  ];
}

function allowListFinding(f: AuthFacts): Finding[] {
  if (!f.relay) return [];
  const open = f.relay.authType === 'none';
  return [
    {
      severity: open ? 'warning' : 'info',
      code: 'relay_allow_list',
      message: open
        ? {
            en: `This relay takes mail without authentication, so it must allow-list the ${f.dataCenter.name} data center's IP ranges (and only those).`,
            ja: `このリレーサーバーは認証なしでメールを受け付けるため、${f.dataCenter.name} データセンターのIPアドレス範囲を許可リストに登録する必要があります。`,
          }
        : {
            en: `Mail reaches the relay from several addresses of the ${f.dataCenter.name} data center: allow-listing its IP ranges on the relay is recommended.`,
            ja: `メールは ${f.dataCenter.name} データセンターの複数のIPアドレスからリレーサーバーに送られます。リレーサーバーの許可リストにIPアドレス範囲を登録することをお勧めします。`,
          },
      ranges: f.dataCenter.ranges,
    },
  ];
}

function dmarcFindings(f: AuthFacts): Finding[] {
  const { dmarc, domain } = f;
  if (dmarc.result === 'none') {
    const record: Txt = { type: 'TXT', name: `_dmarc.${domain}`, value: 'v=DMARC1; p=none' };
    return [
      {
        severity: 'warning',
        code: 'dmarc_missing',
        message: {
          en: `${domain} publishes no DMARC record, and large mailbox providers expect one from bulk senders. Start with: _dmarc.${domain} TXT "v=DMARC1; p=none" (add rua=mailto:… to receive reports), and tighten the policy once the reports show everything passes.`,
          ja: `${domain} にはDMARCレコードがありません。大手メールサービスは大量送信者にDMARCを求めています。まず _dmarc.${domain} に TXT "v=DMARC1; p=none" を公開し（レポートを受け取るには rua=mailto:… を追加）、すべて合格することを確認してからポリシーを強めてください。`,
        },
        record,
      },
    ];
  }
  if (dmarc.result === 'fail') {
    const p = dmarc.policy ?? 'none';
    const effect =
      p === 'reject'
        ? { en: 'receivers will reject the mail', ja: '受信側でメールが拒否されます' }
        : p === 'quarantine'
          ? { en: 'receivers will put the mail in spam', ja: '受信側で迷惑メールとして扱われます' }
          : {
              en: 'the policy is p=none, so receivers only report it, but the mail is more likely to be filtered',
              ja: 'ポリシーが p=none のため報告のみですが、迷惑メールと判定されやすくなります',
            };
    return [
      {
        severity: p === 'none' ? 'warning' : 'error',
        code: 'dmarc_fail',
        message: {
          en: `DMARC fails for ${domain}: neither SPF nor DKIM passes aligned with the From domain, and ${effect.en}. Enable DKIM signing with a published key (see the DKIM findings), or use a return path on ${domain} whose SPF includes the relay.`,
          ja: `${domain} のDMARCは不合格です。SPFもDKIMも送信元ドメインと一致した形で合格しないため、${effect.ja}。DKIM署名を有効にしてキーを公開する（DKIMの項目を参照）か、SPFにリレーサーバーを含む ${domain} のアドレスを返送先にしてください。`,
        },
      },
    ];
  }
  if (dmarc.result !== 'pass') return [];
  const how = [dkimPasses(f) ? 'DKIM' : null, f.spfAligned ? 'SPF' : null].filter(Boolean).join(' + ');
  return [
    {
      severity: 'info',
      code: 'dmarc_pass',
      message: {
        en: `DMARC passes for ${domain} (${how}), under its policy p=${dmarc.policy ?? 'none'}.`,
        ja: `${domain} のDMARCは合格です（${how}、ポリシー p=${dmarc.policy ?? 'none'}）。`,
      },
    },
  ];
}

function dnsErrorFindings(f: AuthFacts): Finding[] {
  if (f.dnsErrors.length === 0) return [];
  const list = f.dnsErrors.join(', ');
  return [
    {
      severity: 'warning',
      code: 'dns_error',
      message: {
        en: `Some DNS lookups failed (${list}); the results below may be incomplete. Check again in a moment.`,
        ja: `一部のDNS検索に失敗しました（${list}）。結果が不完全な可能性があります。しばらくしてから再度確認してください。`,
      },
    },
  ];
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function authenticationFindings(f: AuthFacts): Finding[] {
  const [first, second] = f.hops;
  const findings = [
    ...verificationFindings(f),
    ...dkimFindings(f),
    ...(first ? platformHopFinding(f, first) : []),
    ...(second ? relayHopFinding(f, second) : []),
    ...dmarcFindings(f),
    ...allowListFinding(f),
    ...dnsErrorFindings(f),
  ];
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}
