/** `fascia audit verify --db <url>`: walks the audit log's chains and checkpoints and names the first broken record (exit 1). */
import type { Command } from "commander";
import { openDatabase } from "../../database/open";
import { auditTableExists } from "../../executor/store/audit-store";
import { verifyAuditLog, type AuditVerification } from "../../executor/store/audit-verify";
import { openWitness } from "../../executor/audit/open-witness";
import type { Witness } from "../../executor/audit/witness";
import { ENV } from "../../contracts/environment";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

export function registerAudit(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const audit = program.command("audit").description("Work with the executor's audit trail");
  audit
    .command("verify")
    .description(
      "Check the audit log: every chain's hashes and links, every checkpoint against the records it anchors; exit 0 when all hold, 1 naming the first record or checkpoint that was changed, removed, reordered, inserted or cut off",
    )
    .requiredOption("--db <url>", "postgres://user@host:port/db, pglite:<directory>")
    .option(
      "--witness <where>",
      `the checkpoints' witness to hold the database against: gs://bucket[/prefix] (token from GOOGLE_OAUTH_ACCESS_TOKEN) or a directory; default $${ENV.auditWitness}`,
    )
    .action(async (options: { db: string; witness?: string }) => {
      let db;
      let witness: Witness | undefined;
      try {
        const where = options.witness ?? process.env[ENV.auditWitness];
        witness = where ? openWitness(where) : undefined;
        db = await openDatabase(options.db);
      } catch (error) {
        io.err(`fascia audit verify: ${(error as Error).message}`);
        return setExit(EXIT.usage);
      }
      try {
        if (!(await auditTableExists(db))) {
          io.err(`fascia audit verify: ${db.label} has no audit trail (the executor's tables were never created there)`);
          return setExit(EXIT.failed);
        }
        const result = await verifyAuditLog(db, witness ? { witness } : {});
        if (result.broken) {
          io.err(`fascia audit verify: ${describeBreak(result.broken)}`);
          io.err(`${result.records} record(s) before it are intact.`);
          return setExit(EXIT.failed);
        }
        io.out(describeIntact(db.label, result));
        setExit(EXIT.ok);
      } catch (error) {
        io.err(`fascia audit verify: ${(error as Error).message}`);
        setExit(EXIT.failed);
      } finally {
        await db.close();
      }
    });
}

function describeBreak(broken: NonNullable<AuditVerification["broken"]>): string {
  if ("checkpoint" in broken) return `checkpoint #${broken.checkpoint} does not hold: ${broken.reason}`;
  return `chain ${broken.chain ?? 1} is broken at record #${broken.seq} (invocation ${broken.invocationId}): ${broken.reason}`;
}

function describeIntact(label: string, result: AuditVerification): string {
  const versions = Object.entries(result.hashVersions ?? {})
    .map(([version, n]) => `${n} of hash version ${version}`)
    .join(", ");
  const used = result.chains.filter((c) => c.records > 0).length;
  const { count, newest } = result.checkpoints;
  return [
    `${label}: audit log intact, ${result.records} record(s) on ${used} of ${result.chains.length} chain(s)${result.records ? ` (${versions})` : ""}.`,
    count ? `${count} checkpoint(s), the newest #${newest!.id} taken ${newest!.at}.` : "No checkpoint yet.",
    result.witness
      ? `The witness ${result.witness.label} holds ${result.witness.checkpoints} of them, each equal to the database's.`
      : "No witness given (--witness): records and checkpoints rewritten together by the tables' owner would not be found.",
  ].join("\n");
}
