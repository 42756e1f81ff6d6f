/** CRUD statements: parameterized SQL checked as text and run against both drivers. */
import { loadSpecDir } from "../../loader/load";
import { entityList } from "../../loader/model";
import { compileEntities } from "../../compiler/schema/compile";
import { tableByEntity } from "../../compiler/schema/model";
import {
  deleteStatement,
  getByIdStatement,
  insertStatement,
  listStatement,
  transitionSources,
  transitionStatement,
  updateStatement,
} from "../../compiler/schema/crud";
import type { Statement } from "../../database/types";
import { migrateToSpecs } from "../../migrate/apply";
import { describeEachDriver, useTestDatabase } from "../support/databases";

const entities = entityList(loadSpecDir("examples/reservations").specs);
const model = compileEntities(entities).model;
const room = tableByEntity(model, "Room")!;
const reservation = tableByEntity(model, "Reservation")!;

describe("CRUD statements are parameterized", () => {
  it("never puts a value into the SQL text", () => {
    const hostile = "x'); DROP TABLE room; --";
    const statements: Statement[] = [
      insertStatement(room, { number: hostile, capacity: 2, nightlyRate: "1" }),
      listStatement(room, {
        where: [{ field: "number", op: "eq", value: hostile }],
        orderBy: [{ field: "number", direction: "desc" }],
        limit: 10,
        after: { number: hostile, id: "00000000-0000-4000-8000-000000000000" },
      }),
      updateStatement(room, "00000000-0000-4000-8000-000000000000", 1, { number: hostile }),
    ];
    for (const s of statements) {
      expect(s.text).not.toContain(hostile);
      expect(s.values).toContain(hostile);
    }
  });

  it("refuses unknown fields, system columns and status writes outside a transition", () => {
    expect(() => insertStatement(room, { floor: 1 })).toThrow(/no field "floor"/);
    expect(() => updateStatement(room, "id", 1, { version: 3 })).toThrow(/maintained by the database/);
    expect(() => updateStatement(reservation, "id", 1, { status: "confirmed" })).toThrow(/only through a transition/);
    expect(() => transitionStatement(reservation, "id", "lost")).toThrow(/no state "lost"/);
    expect(() => listStatement(room, { limit: -1 })).toThrow(/limit/);
  });
});

describe("transitionSources", () => {
  it("lists the states with a listed transition into the target, never the target itself", () => {
    expect(transitionSources(reservation, "cancelled")).toEqual(["pending", "confirmed"]);
    expect(transitionSources(reservation, "confirmed")).toEqual(["pending"]);
    expect(transitionSources(reservation, "completed")).toEqual(["confirmed"]);
    expect(transitionSources(reservation, "pending")).toEqual([]);
    expect(() => transitionSources(room, "open")).toThrow(/no status machine/);
  });
});

describeEachDriver("CRUD statements", (driver) => {
  const test = useTestDatabase(driver);
  const run = async <R = Record<string, unknown>>(s: Statement) => (await test.current.db.query<R>(s.text, [...s.values])).rows;

  beforeAll(async () => {
    await migrateToSpecs(test.current.db, entities);
  });

  it("inserts, reads, updates at a version, and deletes, with rows under their spec names", async () => {
    const [created] = await run<{ id: string; nightlyRate: string; version: number; createdAt: Date }>(
      insertStatement(room, { number: "201", capacity: 2, nightlyRate: "99.50" }),
    );
    expect(created).toMatchObject({ number: "201", capacity: 2, nightlyRate: "99.50", active: true, version: 1 });
    expect(await run(getByIdStatement(room, created!.id))).toEqual([created]);
    const [updated] = await run<{ version: number }>(updateStatement(room, created!.id, 1, { capacity: 3 }));
    expect(updated).toMatchObject({ capacity: 3, version: 2 });
    expect(await run(updateStatement(room, created!.id, 1, { capacity: 4 }))).toEqual([]); // stale version
    expect(await run(deleteStatement(room, created!.id, 1))).toEqual([]);
    expect(await run(deleteStatement(room, created!.id, 2))).toHaveLength(1);
    expect(await run(getByIdStatement(room, created!.id))).toEqual([]);
  });

  it("pages through a list with keyset pagination and mixed directions", async () => {
    const values = [3, 1, 2, 2, 5, 1, 4];
    for (const [i, capacity] of values.entries()) await run(insertStatement(room, { number: `p${i}`, capacity, nightlyRate: "10" }));
    const where = [{ field: "number", op: "in" as const, value: values.map((_, i) => `p${i}`) }];
    const orderBy = [
      { field: "capacity", direction: "desc" as const },
      { field: "number", direction: "asc" as const },
    ];
    const all = await run<{ id: string; number: string; capacity: number }>(listStatement(room, { where, orderBy }));
    const pages: string[] = [];
    type Row = { id: string; number: string; capacity: number };
    let after: Row | undefined;
    for (;;) {
      const page: Row[] = await run<Row>(listStatement(room, { where, orderBy, limit: 3, ...(after ? { after } : {}) }));
      if (page.length === 0) break;
      pages.push(...page.map((r) => r.number));
      after = page.at(-1)!;
    }
    expect(pages).toEqual(all.map((r) => r.number));
    expect(all.map((r) => r.capacity)).toEqual([...values].sort((a, b) => b - a));
  });

  it("pages over a nullable column, nulls last, without losing or repeating a row", async () => {
    const customer = tableByEntity(model, "Customer")!;
    const phones = ["+4930000001", null, "+4930000003", null, "+4930000002", null];
    for (const [i, phone] of phones.entries()) await run(insertStatement(customer, { name: `k${i}`, email: `k${i}@example.com`, phone }));
    const where = [{ field: "name", op: "in" as const, value: phones.map((_, i) => `k${i}`) }];
    type Row = { id: string; name: string; phone: string | null };
    const seen: (string | null)[] = [];
    let after: Row | undefined;
    for (;;) {
      const page: Row[] = await run<Row>(
        listStatement(customer, { where, orderBy: [{ field: "phone", direction: "asc" }], limit: 2, ...(after ? { after } : {}) }),
      );
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.phone));
      after = page.at(-1)!;
    }
    expect(seen).toEqual(["+4930000001", "+4930000002", "+4930000003", null, null, null]);
  });

  it("transitions through the status machine; the database refuses an unlisted one", async () => {
    const [customer] = await run<{ id: string }>(
      insertStatement(tableByEntity(model, "Customer")!, { name: "Ada", email: "ada@example.com" }),
    );
    const [r] = await run<{ id: string }>(
      insertStatement(tableByEntity(model, "Room")!, { number: "301", capacity: 2, nightlyRate: "10" }),
    );
    const [booking] = await run<{ id: string; status: string; version: number }>(
      insertStatement(reservation, {
        startDate: "2030-01-01",
        endDate: "2030-01-03",
        guests: 2,
        totalPrice: "20.00",
        email: "ada@example.com",
        customerId: customer!.id,
        roomId: r!.id,
      }),
    );
    expect(booking).toMatchObject({ status: "pending", startDate: "2030-01-01" });
    await expect(run(transitionStatement(reservation, booking!.id, "completed"))).rejects.toMatchObject({ code: "23514" });
    const [cancelled] = await run(transitionStatement(reservation, booking!.id, "cancelled", 1));
    expect(cancelled).toMatchObject({ status: "cancelled", version: 2 });
  });
});
