/**
 * The executor's own tables, created by its own migrations: the idempotency store, the
 * append-only, hash-chained audit trail and the outbox of effects that wait for their commit. They live in the app's database (every instance shares
 * them) under the reserved `fascia_` prefix, and are ledgered in `fascia_executor_migrations`,
 * applied under the same advisory lock as the app's migrations (migrate/ledger.ts).
 */
import { createHash } from "node:crypto";
import { withMigrationLock } from "../../migrate/ledger";
import type { Database, Queryable } from "../../database/types";
import { inTransaction } from "../../database/transaction";
import { GENESIS_HASH } from "../audit/audit-chain";

export const EXECUTOR_LEDGER = "fascia_executor_migrations";
export const IDEMPOTENCY_TABLE = "fascia_idempotency";
export const AUDIT_TABLE = "fascia_audit";
export const AUDIT_HEAD_TABLE = "fascia_audit_head";
export const OUTBOX_TABLE = "fascia_outbox";
export const CHECKPOINT_TABLE = "fascia_audit_checkpoint";
export const WITNESSED_TABLE = "fascia_audit_witnessed";
/** The sequence of the log's order across chains (the `pos` column; migration 0005). */
export const AUDIT_POS_SEQUENCE = "fascia_audit_pos";
/**
 * A record's place in the log across its chains, for listing: its `pos`, or for a record from
 * before migration 0005 (one chain then) its seq, which is below every pos.
 */
export const AUDIT_POSITION = `COALESCE("pos", "seq")`;
/** Chains migration 0005 creates (more may be added with a head row each; none is ever removed). */
export const AUDIT_CHAINS = 16;

export interface ExecutorMigration {
  readonly id: string;
  readonly sql: string;
}

export const EXECUTOR_MIGRATIONS: readonly ExecutorMigration[] = [
  {
    id: "0001_idempotency_and_audit",
    sql: `
CREATE TABLE "${IDEMPOTENCY_TABLE}" (
  "tool" text NOT NULL,
  "caller_id" text NOT NULL,
  "key" text NOT NULL,
  "fingerprint" text NOT NULL,
  "state" text NOT NULL CHECK ("state" IN ('running', 'committed', 'done', 'failed')),
  "generation" integer NOT NULL DEFAULT 0,
  "invocation_id" text NOT NULL,
  "locked_until" timestamp with time zone NOT NULL,
  "response_status" integer,
  "response_body" json,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at" timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY ("tool", "caller_id", "key")
);
CREATE TABLE "${AUDIT_TABLE}" (
  "seq" bigint PRIMARY KEY,
  "invocation_id" text NOT NULL UNIQUE,
  "at" timestamp with time zone NOT NULL,
  "tool" text NOT NULL,
  "status" integer NOT NULL,
  "body" json NOT NULL,
  "prev_hash" text NOT NULL,
  "hash" text NOT NULL
);
CREATE INDEX "fascia_audit__tool_at__idx" ON "${AUDIT_TABLE}" ("tool", "at");
CREATE TABLE "${AUDIT_HEAD_TABLE}" (
  "id" integer PRIMARY KEY CHECK ("id" = 1),
  "seq" bigint NOT NULL,
  "hash" text NOT NULL
);
INSERT INTO "${AUDIT_HEAD_TABLE}" ("id", "seq", "hash") VALUES (1, 0, '${GENESIS_HASH}');
CREATE FUNCTION "fascia_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $fascia$
BEGIN
  RAISE EXCEPTION 'fascia_audit is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$fascia$;
CREATE TRIGGER "fascia_audit_no_change" BEFORE UPDATE OR DELETE ON "${AUDIT_TABLE}" FOR EACH ROW EXECUTE FUNCTION "fascia_audit_append_only"();
CREATE TRIGGER "fascia_audit_no_truncate" BEFORE TRUNCATE ON "${AUDIT_TABLE}" FOR EACH STATEMENT EXECUTE FUNCTION "fascia_audit_append_only"();
`,
  },
  {
    // Effects that run after their commit (executor/outbox/): written with the invocation's writes,
    // delivered by any instance. `request` holds no secret values (docs/executor.md, "The outbox").
    id: "0002_outbox",
    sql: `
CREATE TABLE "${OUTBOX_TABLE}" (
  "id" uuid PRIMARY KEY,
  "invocation_id" text NOT NULL,
  "tool" text NOT NULL,
  "node" text NOT NULL,
  "caller_id" text,
  "kind" text NOT NULL,
  "request" json NOT NULL,
  "policy" json NOT NULL,
  "state" text NOT NULL DEFAULT 'pending' CHECK ("state" IN ('pending', 'guard', 'done', 'failed')),
  "attempts" integer NOT NULL DEFAULT 0,
  "next_attempt_at" timestamp with time zone NOT NULL DEFAULT now(),
  "lease_until" timestamp with time zone,
  "last_error" text,
  "result" json,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at" timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX "fascia_outbox__due__idx" ON "${OUTBOX_TABLE}" ("next_attempt_at") WHERE "state" IN ('pending', 'guard');
CREATE INDEX "fascia_outbox__invocation__idx" ON "${OUTBOX_TABLE}" ("invocation_id");
CREATE INDEX "fascia_outbox__void__idx" ON "${OUTBOX_TABLE}" (("request"->>'refundKey')) WHERE "kind" = 'guardVoid';
`,
  },
  {
    // Every column under the hash (audit-chain.ts HASHED_COLUMNS): records carry the rule they were
    // hashed by. Existing rows, and rows an older executor still appends during a rollout, keep
    // version 1 (the default); this executor writes version 2. No row is rewritten.
    id: "0003_audit_whole_record",
    sql: `
ALTER TABLE "${AUDIT_TABLE}" ADD COLUMN "hash_version" integer NOT NULL DEFAULT 1;
`,
  },
  {
    // The operator API's time windows (executor/operator/): metrics over the last hours and the
    // invocation list's from/to read a range of "at" instead of the whole table. Per tool, the
    // (tool, at) index of 0001 serves. One more index entry per append, nothing else.
    id: "0004_audit_at_index",
    sql: `
CREATE INDEX "fascia_audit__at__idx" ON "${AUDIT_TABLE}" ("at");
`,
  },
  {
    // Several chains (audit-store.ts APPEND takes whichever chain's head is free): appends of
    // different invocations no longer wait for each other. The chain as it was is chain 1 — its
    // head row is id 1, its records keep their seq — so an older executor still appending during a
    // rollout (to head 1, without naming a chain) extends chain 1 correctly. `pos` orders the log
    // across chains for listing (not hashed; records from before have none, AUDIT_POSITION).
    // Checkpoints anchor every chain's head (audit/checkpoint.ts); `witnessed` notes which ones a
    // witness holds. No record is rewritten.
    id: "0005_audit_chains",
    sql: `
ALTER TABLE "${AUDIT_TABLE}" ADD COLUMN "chain" integer NOT NULL DEFAULT 1;
ALTER TABLE "${AUDIT_TABLE}" DROP CONSTRAINT "${AUDIT_TABLE}_pkey";
ALTER TABLE "${AUDIT_TABLE}" ADD PRIMARY KEY ("chain", "seq");
CREATE SEQUENCE "${AUDIT_POS_SEQUENCE}";
SELECT setval('"${AUDIT_POS_SEQUENCE}"', (SELECT COALESCE(max("seq"), 0) + 1 FROM "${AUDIT_TABLE}"), false);
ALTER TABLE "${AUDIT_TABLE}" ADD COLUMN "pos" bigint;
ALTER TABLE "${AUDIT_TABLE}" ALTER COLUMN "pos" SET DEFAULT nextval('"${AUDIT_POS_SEQUENCE}"');
CREATE UNIQUE INDEX "fascia_audit__pos__idx" ON "${AUDIT_TABLE}" ((${AUDIT_POSITION}));
ALTER TABLE "${AUDIT_HEAD_TABLE}" DROP CONSTRAINT "${AUDIT_HEAD_TABLE}_id_check";
ALTER TABLE "${AUDIT_HEAD_TABLE}" ADD CONSTRAINT "${AUDIT_HEAD_TABLE}_id_check" CHECK ("id" >= 1);
INSERT INTO "${AUDIT_HEAD_TABLE}" ("id", "seq", "hash") SELECT "chain", 0, '${GENESIS_HASH}' FROM generate_series(2, ${AUDIT_CHAINS}) AS "chain";
CREATE TABLE "${CHECKPOINT_TABLE}" (
  "id" bigint PRIMARY KEY,
  "at" timestamp with time zone NOT NULL,
  "heads" json NOT NULL,
  "prev_hash" text NOT NULL,
  "hash" text NOT NULL
);
CREATE FUNCTION "fascia_append_only"() RETURNS trigger LANGUAGE plpgsql AS $fascia$
BEGIN
  RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$fascia$;
CREATE TRIGGER "fascia_audit_checkpoint_no_change" BEFORE UPDATE OR DELETE ON "${CHECKPOINT_TABLE}" FOR EACH ROW EXECUTE FUNCTION "fascia_append_only"();
CREATE TRIGGER "fascia_audit_checkpoint_no_truncate" BEFORE TRUNCATE ON "${CHECKPOINT_TABLE}" FOR EACH STATEMENT EXECUTE FUNCTION "fascia_append_only"();
CREATE TABLE "${WITNESSED_TABLE}" (
  "id" bigint PRIMARY KEY,
  "at" timestamp with time zone NOT NULL DEFAULT now()
);
`,
  },
  {
    // A check a statement makes in SQL (executor/store/idempotency-store.ts ownedUpdate): raising
    // aborts the transaction, so a statement sent with its COMMIT unread (commitWith) can still
    // keep the transaction from committing when its check fails. Nothing else changes.
    id: "0006_expect",
    sql: `
CREATE FUNCTION "fascia_expect"("ok" boolean, "code" text, "message" text) RETURNS boolean LANGUAGE plpgsql AS $fascia$
BEGIN
  IF "ok" IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = "code", MESSAGE = "message";
  END IF;
  RETURN true;
END;
$fascia$;
`,
  },
];

const checksum = (sql: string) => createHash("sha256").update(sql).digest("hex");

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS "${EXECUTOR_LEDGER}" (
  "id" text PRIMARY KEY,
  "checksum" text NOT NULL,
  "applied_at" timestamp with time zone NOT NULL DEFAULT now()
)`;

/** Applies the executor's migrations not yet in its ledger; a changed applied migration is an error. */
export async function applyExecutorMigrations(db: Database): Promise<string[]> {
  return withMigrationLock(db, async (session) => {
    await session.query(CREATE_LEDGER);
    const { rows } = await session.query<{ id: string; checksum: string }>(`SELECT "id", "checksum" FROM "${EXECUTOR_LEDGER}"`);
    const applied = new Map(rows.map((r) => [r.id, r.checksum]));
    const done: string[] = [];
    for (const migration of EXECUTOR_MIGRATIONS) {
      const sum = checksum(migration.sql);
      const known = applied.get(migration.id);
      if (known !== undefined) {
        if (known !== sum)
          throw new Error(
            `executor migration ${migration.id} was applied with another script (checksum ${known.slice(0, 12)}…): an applied migration must never change`,
          );
        continue;
      }
      await inTransaction(session, async (tx) => {
        await tx.exec(migration.sql);
        await tx.query(`INSERT INTO "${EXECUTOR_LEDGER}" ("id", "checksum") VALUES ($1, $2)`, [migration.id, sum]);
      });
      done.push(migration.id);
    }
    return done;
  });
}

/** True when every executor migration is in the ledger (readiness). */
export async function executorMigrationsApplied(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [EXECUTOR_LEDGER]);
  if (!rows[0]?.found) return false;
  const ledger = await db.query<{ id: string }>(`SELECT "id" FROM "${EXECUTOR_LEDGER}"`);
  const ids = new Set(ledger.rows.map((r) => r.id));
  return EXECUTOR_MIGRATIONS.every((m) => ids.has(m.id));
}
