/**
 * The complaint-rate guard at work (issue 17; the rule is `domain/complaint-rate.ts`): after each
 * complaint recorded (ARF at the listener, a provider webhook, the import API), the org's day is
 * counted. Over 0.1%: a warning notice to the admins, once a day. Over 0.3%: the org's mass email
 * pauses (a `mass_pauses` row; the delivery engine holds its mass deliveries) and the admins are
 * told, once per pause. Individual and workflow mail are never held. An admin resumes through the
 * API or the console (`services/mass-pause.ts`).
 */
import type { AppContext } from '../context.js';
import { type ComplaintVerdict, complaintRate, complaintVerdict } from '../domain/complaint-rate.js';
import { dayKey, dayStart } from '../domain/time-zone.js';
import { noticeAdmins } from '../notices/admin-notices.js';
import { complaintDay } from '../store/repos/complaint-rate.js';
import { orgSettings } from '../store/repos/settings.js';

const percent = (r: number | null) => `${((r ?? 0) * 100).toFixed(2)}%`;

export async function checkComplaintRate(ctx: AppContext, orgId: string): Promise<ComplaintVerdict> {
  const { db } = ctx.store;
  const now = ctx.clock.now();
  const { timeZone } = await orgSettings(db, ctx.config.timeZone, orgId);
  const day = dayKey(now, timeZone);
  const counts = await complaintDay(db, orgId, dayStart(now, timeZone), now + 1);
  const verdict = complaintVerdict(counts, ctx.config.complaintMinDelivered);
  if (verdict === 'ok') return verdict;
  const rate = percent(complaintRate(counts));
  const data = { day, rate, complaints: String(counts.complaints), delivered: String(counts.delivered) };
  const paused = await db.transaction().execute(async (trx) => {
    await noticeAdmins(ctx, trx, {
      orgId,
      kind: 'org.complaint_rate_warning',
      dedupeKey: `org.complaint_rate_warning:${orgId}:${day}`,
      data,
      mail: {
        subject: `[mailroute] 苦情率が ${rate} です / Complaint rate is ${rate}`,
        text: [
          `${day} の一括送信メールの苦情率が ${rate}（苦情 ${counts.complaints} 件 / 配信 ${counts.delivered} 件）です。メールボックス事業者の基準は 0.1% 未満、0.3% を超えると一括送信メールを一時停止します。`,
          '',
          `The complaint rate of your mass email on ${day} is ${rate} (${counts.complaints} complaints in ${counts.delivered} delivered). Mailbox providers ask for under 0.1%; over 0.3% mailroute pauses your mass email.`,
        ].join('\n'),
      },
    });
    if (verdict !== 'pause') return false;
    const res = await trx
      .insertInto('mass_pauses')
      .values({
        org_id: orgId,
        day,
        complaints: counts.complaints,
        delivered: counts.delivered,
        paused_at: now,
      })
      .onConflict((oc) => oc.column('org_id').doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await noticeAdmins(ctx, trx, {
      orgId,
      kind: 'org.mass_paused',
      dedupeKey: `org.mass_paused:${orgId}:${now}`,
      data,
      mail: {
        subject: `[mailroute] 一括送信メールを一時停止しました / Mass email paused (complaint rate ${rate})`,
        text: [
          `${day} の苦情率が ${rate} となり 0.3% を超えたため、一括送信メールを一時停止しました。個別メールとワークフローメールは引き続き送信されます。原因を確認したうえで、コンソールのレポート画面または API（POST /api/v1/mass-email/resume）から再開してください。`,
          '',
          `The complaint rate on ${day} reached ${rate}, over 0.3%, so your mass email is paused. Individual and workflow email keep flowing. Once you have found the cause, resume it on the console's Reports page or through the API (POST /api/v1/mass-email/resume).`,
        ].join('\n'),
      },
    });
    return true;
  });
  ctx.events.queued(); // the admins' email, if this call wrote it
  if (paused) {
    ctx.events.orgChanged(orgId);
    ctx.log.warn({ event: 'org.mass_paused', org: orgId, day, rate }, 'mass email paused: complaint rate');
  }
  return verdict;
}
