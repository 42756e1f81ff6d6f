/**
 * Secret values for `fascia dev`: every secret the specs name gets a local value, so the app runs
 * with no setup. Payment keys point at the local payments server, mail secrets at the local SMTP
 * catcher; webhook signing keys and other values are generated once and kept in
 * `.fascia/dev-secrets.json` (scripts read it to sign webhooks). FASCIA_SECRET_<NAME> overrides.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SpecSet } from "../loader/model";
import { secretNames } from "../loader/model";
import { secretEnvName } from "../contracts/environment";

export const DEV_SECRETS_FILE = "dev-secrets.json";

export interface DevSecretSources {
  paymentsApiKey: string;
  smtpUrl: string;
}

export function devSecrets(
  appDir: string,
  specs: SpecSet,
  sources: DevSecretSources,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const paymentSecrets = new Set<string>();
  const mailSecrets = new Set<string>();
  for (const { spec } of specs.tools.values()) {
    for (const node of spec.flow.nodes) {
      if (node.type === "payment" && node.secret) paymentSecrets.add(node.secret);
      if (node.type === "email" && node.secret) mailSecrets.add(node.secret);
    }
  }
  const file = join(appDir, ".fascia", DEV_SECRETS_FILE);
  const kept: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
  const values: Record<string, string> = {};
  let changed = false;
  for (const name of secretNames(specs)) {
    const fromEnv = env[secretEnvName(name)];
    if (fromEnv) values[name] = fromEnv;
    else if (paymentSecrets.has(name)) values[name] = sources.paymentsApiKey;
    else if (mailSecrets.has(name)) values[name] = sources.smtpUrl;
    else {
      if (!kept[name]) {
        kept[name] = `dev_${name.toLowerCase()}_${randomBytes(12).toString("hex")}`;
        changed = true;
      }
      values[name] = kept[name];
    }
  }
  if (changed) {
    mkdirSync(join(appDir, ".fascia"), { recursive: true });
    writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
  }
  return values;
}
