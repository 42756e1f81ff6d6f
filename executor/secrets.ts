/**
 * Secrets reach the executor as environment variables `FASCIA_SECRET_<NAME>`, which is how Cloud
 * Run injects Secret Manager values. Every secret the specs name is required at startup, so a
 * missing one stops the service before it takes traffic, with its name in the error.
 */
import { secretEnvName } from "../contracts/environment";

export class MissingSecretsError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `missing secrets: ${missing.map(secretEnvName).join(", ")} (set them in the environment; on Cloud Run they come from Secret Manager)`,
    );
    this.name = "MissingSecretsError";
  }
}

export interface Secrets {
  get(name: string): string;
  /** The values, so logs and audit records can be scrubbed of them. */
  values(): string[];
}

export function loadSecrets(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Secrets {
  const missing = names.filter((n) => !env[secretEnvName(n)]);
  if (missing.length > 0) throw new MissingSecretsError(missing);
  const table = new Map(names.map((n) => [n, env[secretEnvName(n)]!]));
  return {
    get(name) {
      const value = table.get(name);
      if (value === undefined) throw new Error(`secret ${name} was not declared by any spec`);
      return value;
    },
    values: () => [...table.values()],
  };
}
