/**
 * The email node's transport: SMTP through nodemailer. The SMTP URL (with credentials) comes
 * from the node's secret; `fascia dev` points it at the local mail catcher. nodemailer is loaded
 * at the first send, not at startup: most instances never send mail, and its modules are a
 * noticeable part of a cold start (docs/executor.md, "Cold start").
 */
import type Nodemailer from "nodemailer";
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

let loading: Promise<typeof Nodemailer> | undefined;

/** nodemailer, loaded once, at the first send (the bundle carries it; only its evaluation waits). */
function loadNodemailer(): Promise<typeof Nodemailer> {
  loading ??= import("nodemailer").then((m) => m.default);
  return loading;
}

export function createSmtpSender(smtpUrl: string): SendEmail {
  return async (mail, timeoutMs) => {
    const nodemailer = await loadNodemailer();
    const transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof Nodemailer.createTransport>[1]);
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
