/**
 * Local mode (`fascia dev`, `fascia token`): an ES256 key pair kept in the app's `.fascia/` folder,
 * created on first use, so tokens minted once keep working across restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from "jose";

export const LOCAL_ISSUER = "fascia-local";
export const LOCAL_AUDIENCE = "fascia-local";
const ALG = "ES256";

export interface LocalKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
}

export async function loadOrCreateLocalKeys(appDir: string): Promise<LocalKeys> {
  const dir = join(appDir, ".fascia");
  const file = join(dir, "signing-key.json");
  if (!existsSync(file)) {
    const pair = await generateKeyPair(ALG, { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const stored = { kid, privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  const stored = JSON.parse(readFileSync(file, "utf8")) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  return {
    kid: stored.kid,
    privateKey: (await importJWK(stored.privateJwk, ALG)) as CryptoKey,
    publicKey: (await importJWK(stored.publicJwk, ALG)) as CryptoKey,
  };
}

export interface MintOptions {
  sub: string;
  roles: string[];
  /** Lifetime such as `1h`, `30m` (jose's time span syntax). Default 12h. */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

export async function mintLocalToken(keys: LocalKeys, options: MintOptions): Promise<string> {
  return new SignJWT({ roles: options.roles })
    .setProtectedHeader({ alg: ALG, kid: keys.kid })
    .setSubject(options.sub)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "12h")
    .sign(keys.privateKey);
}
