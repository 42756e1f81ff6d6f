/** `fascia plan --from`: the migration from the deployed specs, per entity, judged by the schema-change rules. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false };
  const code = await runCli(argv, io);
  return { code, out: out.join(""), err: err.join("\n") };
}

let root: string;
let deployed: string;
let next: string;
const room = () => join(next, "entities", "room.yaml");

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "fascia-plan-from-"));
  deployed = join(root, "deployed");
  next = join(root, "next");
  cpSync("examples/reservations", deployed, { recursive: true });
  cpSync("examples/reservations", next, { recursive: true });
  // The deployed version had a field the new one drops.
  const file = join(deployed, "entities", "room.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("fields:\n", "fields:\n  floor:       { type: integer, optional: true }\n"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("fascia plan --from", () => {
  it("prints the migration steps per entity and exits 1 on a Red change without allowDataLoss", async () => {
    const { code, out } = await run(["plan", next, "--from", deployed]);
    expect(code).toBe(1);
    expect(out).toContain("8 tools: 5 green, 3 yellow, 0 red (every tool may deploy)");
    expect(out).toContain(
      "migrations:\n  Room\n    drop column room.floor\n    S002 red: dropping Room.floor deletes the column room.floor and its values",
    );
    expect(out).toContain("migration: BLOCKED");
  });

  it("exits 0 when the entity accepts the loss with a reason", async () => {
    writeFileSync(room(), readFileSync(room(), "utf8") + 'allowDataLoss: { reason: "floor was never filled in" }\n');
    const { code, out } = await run(["plan", next, "--from", deployed]);
    expect(code).toBe(0);
    expect(out).toMatch(/S002 red: .+ \[allowDataLoss\]\n\s+hint: .+\n\s+reason: floor was never filled in\n/);
    expect(out).toContain("migration: allowed");
  });

  it("puts the migration in the JSON and the Markdown", async () => {
    const json = JSON.parse((await run(["plan", next, "--from", deployed, "--json"])).out);
    expect(json.migrations.deployable).toBe(false);
    expect(json.migrations.entities).toEqual([
      expect.objectContaining({
        entity: "Room",
        steps: ["drop column room.floor"],
        sql: [expect.stringContaining("DROP COLUMN")],
        findings: [expect.objectContaining({ rule: "S002", level: "red", acknowledged: false })],
      }),
    ]);
    const md = (await run(["plan", next, "--from", deployed, "--markdown"])).out;
    expect(md).toContain("### Migrations\n\n#### `Room`\n\n- drop column room.floor\n- **S002** red:");
  });

  it("rates a narrowed check Red (S011) and blocks; a widened one is Yellow (S009) and does not", async () => {
    // Only Room.number's maxLength differs between the two versions.
    writeFileSync(join(deployed, "entities", "room.yaml"), readFileSync(room(), "utf8"));
    writeFileSync(
      room(),
      readFileSync(room(), "utf8").replace("number:      { type: string, maxLength: 10,", "number:      { type: string, maxLength: 8,"),
    );
    const narrowed = await run(["plan", next, "--from", deployed]);
    expect(narrowed.code).toBe(1);
    expect(narrowed.out).toContain(
      "S011 red: field number: maxLength on Room makes the migration fail if a row already in room violates it (maxLength of number lowered from 10 to 8)",
    );
    expect(narrowed.out).toContain("migration: BLOCKED");
    writeFileSync(room(), readFileSync(room(), "utf8").replace("maxLength: 8,", "maxLength: 12,"));
    const widened = await run(["plan", next, "--from", deployed]);
    expect(widened.code).toBe(0);
    expect(widened.out).toContain(
      "S009 yellow: field number: maxLength on Room is validated against the rows already in room; they cannot violate it (maxLength of number raised from 10 to 12)",
    );
    expect(widened.out).toContain("migration: allowed");
  });

  it("says so when nothing changed", async () => {
    const { code, out } = await run(["plan", deployed, "--from", deployed]);
    expect(code).toBe(0);
    expect(out).toContain("migrations:\n  no schema changes\n  migration: allowed");
  });
});
