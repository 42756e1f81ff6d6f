/**
 * The outside world as the external nodes reach it: the payments API (base URL from the
 * configuration, API key from the node's secret), SMTP (the node's secret, or the configured
 * server), plain HTTP. One object per executor, so tests and `fascia dev` point it at local servers.
 */
import { createSmtpSender, type SendEmail } from "../effects/email";
import { createPaymentsClient, type PaymentsClient } from "../effects/payments";
import type { Secrets } from "../secrets";

export interface ExternalServices {
  payments(apiKey: string): PaymentsClient;
  /** The API key of a payment node: its secret, or the configured default. */
  paymentsApiKey(secret: string | undefined): string;
  email(secret: string | undefined): SendEmail;
  readonly emailFrom: string;
  readonly secrets: Secrets;
  /** Where an http node's request really goes (identity, except under `fascia dev`). */
  routeHttp(url: string): { url: string; headers: Record<string, string> };
}

export interface ExternalSettings {
  paymentsBaseUrl: string;
  /** Secret holding the payments API key for payment nodes that name none. */
  defaultPaymentsSecret?: string;
  /** SMTP URL for email nodes that name no secret. */
  smtpUrl?: string;
  emailFrom?: string;
  /**
   * `fascia dev` sends every http node to a local recorder instead of the internet, the way it
   * sends payments and mail to local servers: the original URL travels in a header.
   */
  httpSink?: string;
}

export const ORIGINAL_URL_HEADER = "x-fascia-original-url";

export function createExternalServices(settings: ExternalSettings, secrets: Secrets): ExternalServices {
  const clients = new Map<string, PaymentsClient>();
  const senders = new Map<string, SendEmail>();
  return {
    payments(apiKey) {
      let client = clients.get(apiKey);
      if (!client) clients.set(apiKey, (client = createPaymentsClient({ baseUrl: settings.paymentsBaseUrl, apiKey })));
      return client;
    },
    paymentsApiKey(secret) {
      const name = secret ?? settings.defaultPaymentsSecret;
      if (!name) throw new Error("a payment node names no secret and no default payments secret is configured");
      return secrets.get(name);
    },
    email(secret) {
      const url = secret ? secrets.get(secret) : settings.smtpUrl;
      if (!url) throw new Error("an email node names no secret and no SMTP server is configured (FASCIA_SMTP_URL)");
      let sender = senders.get(url);
      if (!sender) senders.set(url, (sender = createSmtpSender(url)));
      return sender;
    },
    emailFrom: settings.emailFrom ?? "no-reply@fascia.local",
    secrets,
    routeHttp(url): { url: string; headers: Record<string, string> } {
      if (!settings.httpSink) return { url, headers: {} };
      return { url: settings.httpSink, headers: { [ORIGINAL_URL_HEADER]: url } };
    },
  };
}
