/**
 * A second opinion we did not write: Squawk (squawk-cli), the PostgreSQL migration linter, over
 * the SQL of the migrations the A→B property test plans — ∅→A, A→B and ∅→B for pairs drawn from
 * its generator (spec-generator.ts), rendered as `fascia diff --sql` prints them — and over every
 * case of the schema-change table (schema-change-cases.ts).
 *
 * Every warning of a SAFETY rule must be matched by a Fascia finding (Yellow or Red) of one of
 * the rules mapped to it, on the change the flagged statement comes from (MigrationStep.change).
 * If not, Fascia is missing a rule — fix Fascia — or Squawk is wrong for this SQL: then ALLOWED
 * says precisely when and why. STYLE rules are preferences Fascia does not share (each with its
 * reason). A rule in neither list fails the test, so a new Squawk rule gets classified.
 *
 * One Squawk run lints every file (about a second for a few hundred migrations).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { planMigration, renderPlanSql, type MigrationPlan, type MigrationStep } from "../../compiler/migrations";
import { loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";
import { CASES, specsOf } from "./schema-change-cases";
import { specPair } from "./spec-generator";

/** Squawk safety rule → the Fascia rules whose finding on the same change answers it. */
const SAFETY: Record<string, { readonly fascia: readonly string[]; readonly why: string }> = {
  "ban-drop-table": { fascia: ["S001"], why: "the table and its rows are deleted" },
  "ban-drop-column": { fascia: ["S002"], why: "the column and its values are deleted" },
  "changing-column-type": {
    fascia: ["S003", "S010"],
    why: "values may not convert (S003), or the table is rewritten under an exclusive lock (S010)",
  },
  "adding-required-field": { fascia: ["S006"], why: "a NOT NULL column without a default fails on a table with rows" },
  "adding-not-nullable-field": { fascia: ["S006"], why: "SET NOT NULL / NOT NULL column over rows that may hold NULL" },
  "adding-field-with-default": { fascia: ["S010"], why: "a volatile default rewrites the table" },
  "constraint-missing-not-valid": {
    fascia: ["S007", "S008", "S009", "S011"],
    why: "a constraint validated under a lock that blocks writes (the exclusion of a noOverlap cannot be NOT VALID)",
  },
  "adding-foreign-key-constraint": { fascia: ["S009", "S011"], why: "a reference validated against existing rows" },
  "disallowed-unique-constraint": { fascia: ["S007"], why: "a unique built under a lock that blocks reads and writes" },
  // Fascia has no finding that could excuse these: its SQL must never raise them.
  "require-concurrent-index-creation": { fascia: [], why: "indexes on existing tables are built CONCURRENTLY in phase 2" },
  "require-concurrent-index-deletion": { fascia: [], why: "indexes of existing tables are dropped CONCURRENTLY in phase 2" },
  "ban-concurrent-index-creation-in-transaction": { fascia: [], why: "phase 2 runs outside any transaction" },
  "transaction-nesting": { fascia: [], why: "each phase opens at most one transaction" },
  "ban-uncommitted-transaction": { fascia: [], why: "every BEGIN has its COMMIT" },
  "require-timeout-settings": { fascia: [], why: "lock_timeout and statement_timeout are set in every phase" },
  "require-lock-timeout": { fascia: [], why: "lock_timeout is set in every phase" },
  "require-statement-timeout": { fascia: [], why: "statement_timeout is set in every phase" },
  "prefer-robust-stmts": {
    fascia: [],
    why: "phase 2, the only statements outside a transaction, must be rerunnable (IF [NOT] EXISTS) so a failed migration resumes",
  },
  "identifier-too-long": { fascia: [], why: "names over 63 bytes are cut with a hash suffix, never truncated by PostgreSQL" },
  "adding-serial-primary-key-field": { fascia: [], why: "primary keys are uuid columns of new tables" },
  "ban-drop-database": { fascia: [], why: "never planned" },
  "ban-truncate-cascade": { fascia: [], why: "never planned" },
  "ban-create-domain-with-constraint": { fascia: [], why: "never planned" },
  "ban-alter-domain-with-add-constraint": { fascia: [], why: "never planned" },
  "require-enum-value-ordering": { fascia: [], why: "enums are text + CHECK, never a PostgreSQL enum type" },
  "renaming-column": { fascia: ["S012"], why: "the revision still serving queries the old name until the new one takes over" },
  "renaming-table": { fascia: ["S012"], why: "the revision still serving queries the old name until the new one takes over" },
  "ban-drop-not-null": { fascia: [], why: "clients that expect a value break (see ALLOWED)" },
};

/** Preferences about the schema, not the safety of a migration. */
const STYLE: Record<string, string> = {
  "prefer-bigint-over-int": "`integer` is the spec language's 32-bit type, chosen by the spec's author (`bigint` exists)",
  "prefer-bigint-over-smallint": "same: the column type is the spec's",
  "prefer-identity": "ids are uuid with gen_random_uuid(), never serial",
  "prefer-text-field": "strings are already text + char_length CHECKs",
  "prefer-timestamptz": "datetime is already timestamptz",
  "prefer-timestamp-tz": "datetime is already timestamptz",
  "ban-char-field": "never emitted",
  "require-table-schema": "tables live in the connection's schema by design",
  "prefer-repack": "a maintenance suggestion, not a property of the migration",
};

/**
 * Safety warnings Squawk raises where Fascia rightly rates the change lower, each only under the
 * condition given (checked on the flagged statement's step).
 */
const ALLOWED: Record<string, { readonly when: (step: MigrationStep) => boolean; readonly why: string }> = {
  "ban-drop-not-null": {
    when: (s) => /^make \S+ optional$/.test(s.summary),
    why: "making a field optional is the expand direction: nothing is lost, nothing can fail, DROP NOT NULL changes only the catalog, and the revision still serving keeps writing values (rows without one appear only once the new revision, which reads the field as optional, writes them)",
  },
  "adding-field-with-default": {
    when: (s) => s.summary.startsWith("add column ") && !s.rewrite && s.sql.length === 1 && / DEFAULT CURRENT_DATE;$/.test(s.sql[0]!),
    why: "CURRENT_DATE (a date field's `today`) is STABLE, not volatile: PostgreSQL 11+ evaluates it once and keeps it as the column's missing value, with no rewrite (checked on PostgreSQL 15: same relfilenode, atthasmissing; gen_random_uuid() does rewrite, and is S010); Squawk knows now() but not CURRENT_DATE",
  },
  "changing-column-type": {
    when: (s) => s.lock === "brief" && !s.rewrite && / from numeric(\(\d+,\d+\))? to numeric(\(\d+,\d+\))?$/.test(s.summary),
    why: "a numeric widened with the same scale (or to plain numeric) is binary coercible: PostgreSQL changes only the catalog, with no rewrite or scan, and no value can fail; Squawk does not compare type modifiers",
  },
};

interface Migration {
  readonly label: string;
  readonly plan: MigrationPlan;
  readonly sql: string;
  /** Line (0-based, as Squawk reports it) → the step whose statement covers it. */
  readonly stepAtLine: (line: number) => MigrationStep | undefined;
}

function entities(objects: unknown[], label: string) {
  const loaded = loadSpecObjects(objects, label);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

function migration(label: string, plan: MigrationPlan): Migration {
  const sql = renderPlanSql(plan);
  const lineOf = (offset: number) => sql.slice(0, offset).split("\n").length - 1;
  // The script prints the steps in plan order, each statement verbatim: find each in turn.
  const ranges: { from: number; to: number; step: MigrationStep }[] = [];
  let cursor = 0;
  for (const step of plan.steps) {
    for (const statement of step.sql) {
      const at = sql.indexOf(statement, cursor);
      if (at < 0) throw new Error(`${label}: statement not found in the rendered script: ${statement}`);
      ranges.push({ from: lineOf(at), to: lineOf(at + statement.length), step });
      cursor = at + statement.length;
    }
  }
  return { label, plan, sql, stepAtLine: (line) => ranges.find((r) => r.from <= line && line <= r.to)?.step };
}

/** The findings of the change a step belongs to (they sit on its first step). */
function changeFindings(plan: MigrationPlan, step: MigrationStep) {
  return plan.steps.filter((s) => s.change !== undefined && s.change === step.change).flatMap((s) => s.findings);
}

interface Warning {
  readonly file: string;
  readonly line: number;
  readonly rule_name: string;
  readonly message: string;
}

const CANARY = "canary.sql";
// Rules that must fire on it: proves the run lints with its rules on (opt-in ones included).
const CANARY_SQL = 'CREATE INDEX "t__c__idx" ON "t" ("c");\nALTER TABLE "t" DROP COLUMN "d";\n';

function squawk(dir: string, files: string[]): Warning[] {
  const bin = require.resolve("squawk-cli/js/bin/squawk");
  const result = spawnSync(
    process.execPath,
    [bin, "--reporter", "json", "--pg-version", "15", "--include", "require-timeout-settings,identifier-too-long", ...files],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.error) throw result.error;
  // Exit 1 means "warnings found"; anything else without JSON is a failed run.
  if (!result.stdout.trim().startsWith("[")) throw new Error(`squawk did not run (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Warning[];
}

describe("Squawk over the migrations Fascia plans", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fascia-squawk-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("raises no safety warning that Fascia rates Green (or excuses in ALLOWED)", () => {
    const migrations: Migration[] = [];
    // The property test's pairs; fc.sample follows the global seed (fixed under CI, FC_SEED replays).
    fc.sample(specPair, 150).forEach(({ a, b }, i) => {
      const before = entities(a, "A");
      const after = entities(b, "B");
      migrations.push(
        migration(`pair ${i}: ∅ → A`, planMigration([], before)),
        migration(`pair ${i}: A → B`, planMigration(before, after)),
        migration(`pair ${i}: ∅ → B`, planMigration([], after)),
      );
    });
    for (const c of CASES) {
      const { deployed, next } = specsOf(c, true);
      migrations.push(migration(`case ${c.change}`, planMigration(entities(deployed, "deployed"), entities(next, "next"))));
    }
    const files = migrations.map((m, i) => {
      const file = `m${i}.sql`;
      writeFileSync(join(dir, file), m.sql);
      return file;
    });
    writeFileSync(join(dir, CANARY), CANARY_SQL);
    const warnings = squawk(dir, [...files, CANARY]);

    const canary = new Set(warnings.filter((w) => w.file.endsWith(CANARY)).map((w) => w.rule_name));
    expect([...canary].sort()).toEqual(
      expect.arrayContaining(["ban-drop-column", "require-concurrent-index-creation", "require-lock-timeout", "require-statement-timeout"]),
    );

    const unclassified = new Set<string>();
    const unmatched: string[] = [];
    const seen = new Map<string, number>();
    const excused = new Set<string>();
    for (const w of warnings) {
      if (w.file.endsWith(CANARY)) continue;
      if (w.rule_name in STYLE) continue;
      const safety = SAFETY[w.rule_name];
      if (!safety) {
        unclassified.add(w.rule_name);
        continue;
      }
      seen.set(w.rule_name, (seen.get(w.rule_name) ?? 0) + 1);
      const m = migrations[Number(/m(\d+)\.sql$/.exec(w.file)![1])]!;
      const step = m.stepAtLine(w.line);
      const matched = step !== undefined && changeFindings(m.plan, step).some((f) => safety.fascia.includes(f.rule));
      const allowed = step !== undefined && ALLOWED[w.rule_name]?.when(step) === true;
      if (!matched && allowed) excused.add(w.rule_name);
      if (!matched && !allowed) {
        const line = m.sql.split("\n")[w.line];
        unmatched.push(
          `${m.label}: ${w.rule_name} on \`${line}\` (step: ${step?.summary ?? "none"}; Fascia: ${
            step
              ? changeFindings(m.plan, step)
                  .map((f) => f.rule)
                  .join(", ") || "Green"
              : "?"
          })`,
        );
      }
    }
    expect([...unclassified]).toEqual([]);
    expect(unmatched).toEqual([]);
    // The cross-check did cross-check: the random pairs drop and retype columns every run.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(["ban-drop-column", "changing-column-type"]));
    // …and every ALLOWED entry still excuses something (the schema-change cases hold the rare
    // ones; a field made optional comes with nearly every run): a stale entry fails here.
    expect([...excused].sort()).toEqual(Object.keys(ALLOWED).sort());
  }, 120_000);
});
