/**
 * The email node's transport: SMTP through nodemailer. The SMTP URL (with credentials) comes
 * from the node's secret; `fascia dev` points it at the local mail catcher.
 */
import nodemailer from "nodemailer";
import { AttemptError } from "../errors/flow-error";

export interface OutgoingEmail {
  to: string;
  subject: string;
  body: string;
  from: string;
  /** Makes a retried send recognisable as the same message. */
  messageId: string;
}

export type SendEmail = (mail: OutgoingEmail, timeoutMs: number) => Promise<{ messageId: string }>;

export function createSmtpSender(smtpUrl: string): SendEmail {
  return async (mail, timeoutMs) => {
    const transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[1]);
    try {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
        messageId: mail.messageId,
      });
      return { messageId: info.messageId };
    } catch (error) {
      const code = (error as { code?: string; responseCode?: number }).code;
      const response = (error as { responseCode?: number }).responseCode ?? 0;
      if (code === "ETIMEDOUT") throw new AttemptError("the mail server timed out", "timeout", error);
      if (response >= 500) throw new AttemptError(`the mail server refused the message (${response})`, "permanent", error);
      throw new AttemptError(`sending mail failed: ${(error as Error).message}`, "unavailable", error);
    } finally {
      transport.close();
    }
  };
}
