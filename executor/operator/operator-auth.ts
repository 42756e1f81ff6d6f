/**
 * Who may read the operator API: a bearer token verified like any caller's (the app's issuer, or
 * the operators' own when FASCIA_OPERATOR_AUTH_* names one), whose roles include the operator role.
 * No token, or one that does not verify, is 401; a verified caller without the role is 403.
 */
import type { Caller } from "../auth/caller";
import type { Authenticate } from "../auth/jwt-authenticator";
import { ToolError } from "../errors/catalogue";

export interface OperatorAccess {
  authenticate: Authenticate;
  /** The role every operator route needs (DEFAULT_OPERATOR_ROLE unless configured). */
  role: string;
}

/** The operator behind `authorization`; throws the 401 or 403 ToolError otherwise. */
export async function authenticateOperator(access: OperatorAccess, authorization: string | undefined): Promise<Caller> {
  const caller = await access.authenticate(authorization);
  if (!caller.roles.includes(access.role))
    throw ToolError.of("FORBIDDEN", `the operator API needs the role "${access.role}"`, [
      { path: "header.authorization", message: `the token's roles do not include "${access.role}"` },
    ]);
  return caller;
}
