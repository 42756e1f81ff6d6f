/**
 * The deployment and the executor agree on the environment: whatever components/env.ts writes
 * for a container, the executor's config readers accept, and read back as the values written.
 */
import fc from "fast-check";
import { executorEnv, type EnvEntry } from "../../components/env";
import { ENV, SECRET_ENV_PREFIX } from "../../contracts/environment";
import { loadExecutorConfig, loadMigrationConfig } from "../../executor/server/config";
import { loadSecrets } from "../../executor/secrets";

/** Cloud Run resolves each secret reference to the secret's value; here the value names the reference. */
function containerEnvironment(entries: EnvEntry<string>[]): NodeJS.ProcessEnv {
  return Object.fromEntries(entries.map((e) => [e.name, "value" in e ? e.value : `value-of:${e.secretRef.secret}@${e.secretRef.version}`]));
}

const text = (s: string) => s;
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const secretName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);

/** The operators' issuer as the deployment passes it on: all three of its members, or none. */
function wholeIssuer<T extends { role: string; issuer?: string; audience?: string; jwksUrl?: string }>(operators: T) {
  const { role, issuer, audience, jwksUrl } = operators;
  return issuer && audience && jwksUrl ? { role, issuer, audience, jwksUrl } : { role };
}

test("every environment the deployment writes is one the executor starts with, value for value", () => {
  fc.assert(
    fc.property(
      fc.record({
        databaseName: word,
        databaseUser: word,
        poolMax: fc.integer({ min: 1, max: 100 }),
        secrets: fc.uniqueArray(secretName, { maxLength: 4 }),
        auth: fc.option(
          fc.record({
            issuer: word.map((w) => `https://${w}`),
            audience: word,
            jwksUrl: word.map((w) => `https://${w}/jwks`),
            rolesClaim: word,
          }),
          { nil: undefined },
        ),
        operators: fc.option(
          fc.record(
            {
              role: word,
              issuer: word.map((w) => `https://${w}`),
              audience: word,
              jwksUrl: word.map((w) => `https://${w}/jwks`),
            },
            { requiredKeys: ["role"] },
          ),
          { nil: undefined },
        ),
        scheduler: fc.option(
          fc.record({
            account: word.map((w) => `${w}@p.iam.gserviceaccount.com`),
            url: word.map((w) => `https://${w}-1234.europe-west1.run.app`),
          }),
          { nil: undefined },
        ),
        paymentsBaseUrl: fc.option(
          word.map((w) => `https://${w}`),
          { nil: undefined },
        ),
        run: fc.constantFrom("serve" as const, "migrate" as const),
        trustProxyHops: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      }),
      (args) => {
        const entries = executorEnv<string>(
          {
            socketDir: "/cloudsql/p:r:i",
            databaseName: args.databaseName,
            databaseUser: args.databaseUser,
            passwordSecret: { secret: "db-password", version: "3" },
            poolMax: args.poolMax,
            secrets: new Map(args.secrets.map((name) => [name, { secret: `app--${name}`, version: "1" }])),
            ...(args.auth ? { auth: args.auth } : {}),
            // The deployment checks the operators' issuer is whole (deployment-args.ts); a whole one or none reaches the executor.
            ...(args.operators ? { operators: wholeIssuer(args.operators) } : {}),
            ...(args.scheduler ? { schedulerServiceAccount: args.scheduler.account, schedulerAudience: args.scheduler.url } : {}),
            ...(args.paymentsBaseUrl ? { paymentsBaseUrl: args.paymentsBaseUrl } : {}),
            project: "p",
            planHash: "abc",
            ...(args.trustProxyHops !== undefined ? { trustProxyHops: args.trustProxyHops } : {}),
            run: args.run,
          },
          text,
        );
        // Every name written is one the executor knows.
        const known = new Set<string>(Object.values(ENV));
        for (const { name } of entries) expect(known.has(name) || name.startsWith(SECRET_ENV_PREFIX)).toBe(true);

        const env = containerEnvironment(entries);
        expect(env[ENV.run]).toBe(args.run);
        const migration = loadMigrationConfig(env);
        expect(migration.databaseUrl).toContain(encodeURIComponent(args.databaseName));
        const config = loadExecutorConfig(env);
        expect(config.databaseUrl).toBe(migration.databaseUrl);
        expect(config.databaseUrl).toContain(`host=${encodeURIComponent("/cloudsql/p:r:i")}`);
        expect(config.poolMax).toBe(args.poolMax);
        expect(config.projectId).toBe("p");
        expect(config.auth).toEqual(
          args.auth ? { ...args.auth, tokenCache: expect.any(Object), maxTokenLifetimeSeconds: 86_400 } : undefined,
        );
        expect(config.scheduler).toEqual(
          args.scheduler ? { serviceAccountEmail: args.scheduler.account, audience: args.scheduler.url } : undefined,
        );
        const operators = args.operators && wholeIssuer(args.operators);
        expect(config.operators).toEqual({
          role: operators?.role ?? "operator",
          ...(operators?.issuer ? { auth: { issuer: operators.issuer, audience: operators.audience, jwksUrl: operators.jwksUrl } } : {}),
        });
        if (args.paymentsBaseUrl) expect(config.paymentsBaseUrl).toBe(args.paymentsBaseUrl);
        expect(config.trustProxyHops).toBe(args.trustProxyHops ?? 0);
        const secrets = loadSecrets(args.secrets, env);
        for (const name of args.secrets) expect(secrets.get(name)).toBe(`value-of:app--${name}@1`);
      },
    ),
  );
});
