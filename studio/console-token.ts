/**
 * The operator token the Console's proxy sends when none was given: minted from the app's local
 * keys (`.fascia/signing-key.json`, the pair `fascia dev` verifies tokens with), with the operator
 * role. Minted at the first Console request, not when the studio starts (a folder that never runs
 * `fascia dev` gets no key from merely being opened), and again well before it expires, so a
 * studio left open for days keeps reading.
 */
import { DEFAULT_OPERATOR_ROLE } from "../contracts/operator-api";
import { loadOrCreateLocalKeys, mintLocalToken } from "../executor/auth/local-keys";

/** The subject the executor's audit and logs name for the studio's reads. */
export const CONSOLE_SUBJECT = "studio-console";
const LIFETIME = "1h";
const RENEW_AFTER_MS = 30 * 60 * 1000;

export function localOperatorToken(appDir: string): () => Promise<string> {
  let minted: { token: Promise<string>; at: number } | null = null;
  return () => {
    if (!minted || Date.now() - minted.at > RENEW_AFTER_MS) {
      const token = loadOrCreateLocalKeys(appDir).then((keys) =>
        mintLocalToken(keys, { sub: CONSOLE_SUBJECT, roles: [DEFAULT_OPERATOR_ROLE], expiresIn: LIFETIME }),
      );
      minted = { token, at: Date.now() };
      // A failed mint (an unreadable key file) is tried again on the next request, not kept.
      token.catch(() => (minted = null));
    }
    return minted.token;
  };
}
