/** `fascia audit verify --db <url>`: walks the audit hash chain and names the first broken record (exit 1). */
import type { Command } from "commander";
import { openDatabase } from "../../database/open";
import { auditTableExists, verifyAuditChain } from "../../executor/store/audit-store";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

export function registerAudit(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const audit = program.command("audit").description("Work with the executor's audit trail");
  audit
    .command("verify")
    .description(
      "Check the audit trail's hash chain: exit 0 when every record is intact, 1 naming the first record that was changed, removed or reordered",
    )
    .requiredOption("--db <url>", "postgres://user@host:port/db, pglite:<directory>")
    .action(async (options: { db: string }) => {
      let db;
      try {
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
        const result = await verifyAuditChain(db);
        if (result.broken) {
          io.err(
            `fascia audit verify: the chain is broken at record #${result.broken.seq} (invocation ${result.broken.invocationId}): ${result.broken.reason}`,
          );
          io.err(`${result.records} record(s) before it are intact.`);
          return setExit(EXIT.failed);
        }
        const versions = Object.entries(result.hashVersions ?? {})
          .map(([version, n]) => `${n} of hash version ${version}`)
          .join(", ");
        io.out(
          `${db.label}: audit chain intact, ${result.records} record(s)${result.records ? `, last #${result.head.seq} ${result.head.hash.slice(0, 16)}… (${versions})` : ""}.`,
        );
        setExit(EXIT.ok);
      } catch (error) {
        io.err(`fascia audit verify: ${(error as Error).message}`);
        setExit(EXIT.failed);
      } finally {
        await db.close();
      }
    });
}
