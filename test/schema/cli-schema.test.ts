/** fascia sql / diff / migrate as a user runs them (in-process). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("fascia sql / diff / migrate", () => {
  let dir: string;
  let edited: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fascia-cli-"));
    edited = join(dir, "v2");
    cpSync("examples/reservations", edited, { recursive: true });
    const file = join(edited, "entities", "customer.yaml");
    // v2 drops Customer.phone: a Red change (S002).
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\s+phone:.*\n/m, ""));
    // …and so does the tool that writes it (a tool using a dropped field would be a spec error).
    const tool = join(edited, "tools", "register-customer.yaml");
    writeFileSync(
      tool,
      readFileSync(tool, "utf8")
        .replace(/^\s+phone:.*\n/m, "")
        .replace(', phone: "input.phone"', ""),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sql prints the DDL and names the executor-enforced invariants", async () => {
    const r = await cli("sql", "examples/reservations");
    expect(r.code).toBe(0);
    expect(r.out).toContain('CREATE TABLE "reservation" (');
    expect(r.out).toContain("EXCLUDE USING gist");
    expect(r.out).toMatch(/-- Reservation\.stayAtMostThirtyNights is enforced by the executor/);
  });

  it("diff exits 0 with an empty plan, 1 on an unacknowledged Red change", async () => {
    expect(await cli("diff", "examples/reservations", "examples/reservations")).toMatchObject({
      code: 0,
      out: expect.stringContaining("No schema changes."),
    });
    const red = await cli("diff", "examples/reservations", edited, "--sql");
    expect(red.code).toBe(1);
    expect(red.out).toContain("  S002 red: dropping Customer.phone");
    expect(red.out).toContain('ALTER TABLE "customer" DROP COLUMN "phone";');
  });

  it("diff rates a check existing rows may violate Red (S011), one they cannot Yellow (S009)", async () => {
    const narrowed = join(dir, "narrowed");
    cpSync("examples/reservations", narrowed, { recursive: true });
    const file = join(narrowed, "entities", "reservation.yaml");
    // guests max 12 → 10 (old rows may hold 11 or 12); notes maxLength 2000 → 4000 (none can be too long).
    writeFileSync(file, readFileSync(file, "utf8").replace("max: 12 }", "max: 10 }").replace("maxLength: 2000,", "maxLength: 4000,"));
    const r = await cli("diff", "examples/reservations", narrowed);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "S011 red: field guests: max on Reservation makes the migration fail if a row already in reservation violates it (max of guests lowered from 12 to 10)",
    );
    expect(r.out).toContain(
      "S009 yellow: field notes: maxLength on Reservation is validated against the rows already in reservation; they cannot violate it",
    );
    expect(r.out).toContain("Blocked: 1 Red change needs");
  });

  it("migrate applies, is then up to date, and refuses a Red plan without touching the database", async () => {
    const db = `pglite:${join(dir, "db")}`;
    expect(await cli("migrate", "examples/reservations", "--db", db, "--dry-run")).toMatchObject({
      code: 0,
      out: expect.stringContaining("dry run"),
    });
    expect(await cli("migrate", "examples/reservations", "--db", db)).toMatchObject({
      code: 0,
      out: expect.stringContaining("Applied migration 0001_"),
    });
    expect(await cli("migrate", "examples/reservations", "--db", db)).toMatchObject({
      code: 0,
      out: expect.stringContaining("up to date"),
    });
    const red = await cli("migrate", edited, "--db", db);
    expect(red).toMatchObject({ code: 1, err: expect.stringContaining("was not changed") });
  }, 60_000);

  it("has --help for each command and refuses a bad database URL", async () => {
    for (const command of ["sql", "diff", "migrate"]) expect((await cli(command, "--help")).code).toBe(0);
    expect(await cli("migrate", "examples/reservations", "--db", "mysql://x")).toMatchObject({
      code: 2,
      err: expect.stringContaining("unsupported database URL"),
    });
  });
});
