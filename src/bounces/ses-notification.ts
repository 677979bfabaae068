/**
 * The shape of an Amazon SES notification (bounce, complaint or delivery), as it arrives in a
 * mail body through SNS or in an SNS webhook. Every field is optional: senders leave some out.
 */
export interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

export interface SesNotification {
  notificationType?: string;
  /** Event publishing (configuration sets) names the type here instead. */
  eventType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: SesRecipient[]; reportingMTA?: string };
  complaint?: { complainedRecipients?: SesRecipient[]; complaintFeedbackType?: string };
  delivery?: { recipients?: string[]; smtpResponse?: string };
  mail?: { headers?: { name?: string; value?: string }[]; commonHeaders?: { messageId?: string } };
}
