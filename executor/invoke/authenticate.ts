/** Step 1 per trigger: a bearer JWT (HTTP tools), Cloud Scheduler's OIDC token, or the webhook's HMAC signature. */
import { SCHEDULER_ROLE, WEBHOOK_ROLE, type ToolRoute } from "../../contracts/routes";
import type { Caller } from "../auth/caller";
import { unauthenticated, type Authenticate } from "../auth/jwt-authenticator";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../auth/webhook-signature";
import type { Secrets } from "../secrets";
import { header, type InvocationRequest } from "./request";

export interface Authenticators {
  bearer: Authenticate;
  /** Absent when no scheduler service account is configured: scheduled routes then refuse every call. */
  scheduler?: (authorization: string | undefined) => Promise<Caller>;
  secrets: Secrets;
  webhookWindowSeconds: number;
  nowSeconds: () => number;
}

export const ANONYMOUS: Caller = { id: "anonymous", roles: [], claims: {} };

const BY_TRIGGER: {
  [K in ToolRoute["kind"]]: (auth: Authenticators, request: InvocationRequest, route: Extract<ToolRoute, { kind: K }>) => Promise<Caller>;
} = {
  http: async (auth, request) => {
    const authorization = header(request, "authorization");
    if (request.tool.spec.auth?.public && !authorization) return ANONYMOUS;
    return auth.bearer(authorization);
  },
  schedule: async (auth, request) => {
    if (!auth.scheduler) throw unauthenticated("scheduled tools are not enabled here (FASCIA_SCHEDULER_SERVICE_ACCOUNT is not set)");
    return auth.scheduler(header(request, "authorization"));
  },
  webhook: async (auth, request, route) => {
    verifyWebhookSignature(
      auth.secrets.get(route.secret),
      header(request, SIGNATURE_HEADER),
      request.rawBody,
      auth.nowSeconds(),
      auth.webhookWindowSeconds,
    );
    return { id: `webhook:${request.tool.name}`, roles: [WEBHOOK_ROLE], claims: {} };
  },
};

export function authenticateCaller(auth: Authenticators, request: InvocationRequest): Promise<Caller> {
  const route = request.tool.route;
  return (BY_TRIGGER[route.kind] as (a: Authenticators, r: InvocationRequest, route: ToolRoute) => Promise<Caller>)(auth, request, route);
}

export { SCHEDULER_ROLE };
