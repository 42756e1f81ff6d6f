/**
 * The example app's schema on real PostgreSQL and on PGlite, and one raw-SQL write per rule that
 * the database itself must refuse — no executor, no CRUD builder in between.
 */
import { loadSpecDir } from "../../loader/load";
import { entityList } from "../../loader/model";
import { migrateToSpecs } from "../../migrate/apply";
import { readCatalog } from "../../migrate/catalog";
import type { Queryable } from "../../database/types";
import { describeEachDriver, useTestDatabase } from "../support/databases";

const entities = entityList(loadSpecDir("examples/reservations").specs);

/** `code` may list alternatives: PostgreSQL 18 reports ON DELETE RESTRICT as 23001, 15 as 23503. */
async function rejects(
  db: Queryable,
  sql: string,
  values: unknown[],
  expected: { code: string | string[]; constraint?: string },
): Promise<void> {
  let error: unknown;
  try {
    await db.query(sql, values);
  } catch (e) {
    error = e;
  }
  expect(error).toBeDefined();
  const e = error as { code?: string; constraint?: string; message: string };
  const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
  expect({ code: codes.includes(e.code ?? "") ? codes[0] : e.code, constraint: e.constraint }).toEqual({
    code: codes[0],
    constraint: expected.constraint ?? e.constraint,
  });
}

describeEachDriver("the database keeps the rules", (driver) => {
  const test = useTestDatabase(driver);
  let customer: string;
  let room: string;
  let otherRoom: string;
  const db = () => test.current.db;

  const reservation = async (values: { room?: string; start?: string; end?: string; status?: string; payment?: string | null } = {}) => {
    const { rows } = await db().query<{ id: string; status: string; version: number }>(
      `INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id${values.status ? ", status" : ""}, payment_id)
       VALUES ($1, $2, 2, '120.00', 'guest@example.com', $3, $4${values.status ? ", $6" : ""}, $5) RETURNING id, status, version`,
      [
        values.start ?? "2030-01-01",
        values.end ?? "2030-01-05",
        customer,
        values.room ?? room,
        values.payment ?? null,
        ...(values.status ? [values.status] : []),
      ],
    );
    return rows[0]!;
  };

  beforeAll(async () => {
    const outcome = await migrateToSpecs(db(), entities);
    expect(outcome.status).toBe("applied");
    customer = (await db().query<{ id: string }>("INSERT INTO customer (name, email) VALUES ('Ada', 'ada@example.com') RETURNING id"))
      .rows[0]!.id;
    room = (await db().query<{ id: string }>("INSERT INTO room (number, capacity, nightly_rate) VALUES ('101', 2, '80.00') RETURNING id"))
      .rows[0]!.id;
    otherRoom = (
      await db().query<{ id: string }>("INSERT INTO room (number, capacity, nightly_rate) VALUES ('102', 2, '80.00') RETURNING id")
    ).rows[0]!.id;
  });

  it("applies the example app's schema: tables, guard triggers, btree_gist", async () => {
    const catalog = await readCatalog(db());
    expect(Object.keys(catalog.tables).sort()).toEqual(["customer", "reservation", "room"]);
    expect(catalog.extensions).toContain("btree_gist");
    for (const [name, t] of Object.entries(catalog.tables))
      expect(Object.keys(t.triggers).sort()).toEqual(name === "reservation" ? ["fascia_guard", "fascia_guard_status"] : ["fascia_guard"]);
    expect(catalog.tables.reservation!.constraints["reservation__no_double_booking__excl"]!.type).toBe("x");
  });

  it("rejects a new row that does not start in the initial state", async () => {
    await rejects(
      db(),
      "INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id, status, payment_id) VALUES ('2031-01-01', '2031-01-02', 1, 1, 'a@b.co', $1, $2, 'confirmed', 'pay_1')",
      [customer, room],
      {
        code: "23514",
        constraint: "reservation__status__initial",
      },
    );
  });

  it("rejects a status change that is not a listed transition, and accepts one that is", async () => {
    const r = await reservation({ start: "2030-02-01", end: "2030-02-03" });
    await rejects(db(), "UPDATE reservation SET status = 'completed' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__status__transition",
    });
    await db().query("UPDATE reservation SET payment_id = 'pay_1' WHERE id = $1", [r.id]);
    await db().query("UPDATE reservation SET status = 'confirmed' WHERE id = $1", [r.id]);
    await rejects(db(), "UPDATE reservation SET status = 'pending' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__status__transition",
    });
  });

  it("rejects an UPDATE that names the status with the state the row is in; updates that do not name it pass", async () => {
    const r = await reservation({ start: "2030-02-10", end: "2030-02-12" });
    // Setting the status to the value it has is still a transition, and never a listed one (FS013).
    await rejects(db(), "UPDATE reservation SET status = 'pending' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__status__transition",
    });
    await rejects(db(), "UPDATE reservation SET status = status, notes = 'x' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__status__transition",
    });
    // An UPDATE that leaves the status out is no transition, and the version moves by one only.
    await db().query("UPDATE reservation SET notes = 'late arrival' WHERE id = $1", [r.id]);
    await db().query("UPDATE reservation SET status = 'cancelled' WHERE id = $1", [r.id]);
    await rejects(db(), "UPDATE reservation SET status = 'cancelled' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__status__transition",
    });
    const { rows } = await db().query<{ status: string; version: number; notes: string }>(
      "SELECT status, version, notes FROM reservation WHERE id = $1",
      [r.id],
    );
    expect(rows[0]).toEqual({ status: "cancelled", version: 3, notes: "late arrival" });
  });

  it("rejects a state that is not one of the states", async () => {
    const r = await reservation({ start: "2030-03-01", end: "2030-03-03" });
    await rejects(db(), "UPDATE reservation SET status = 'lost' WHERE id = $1", [r.id], { code: "23514" });
  });

  it("rejects a change of an immutable field, of an immutable relationship, and of id/created_at", async () => {
    const r = await reservation({ start: "2030-04-01", end: "2030-04-03" });
    await rejects(db(), "UPDATE reservation SET end_date = '2030-04-04' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__end_date__immutable",
    });
    await rejects(db(), "UPDATE reservation SET room_id = $2 WHERE id = $1", [r.id, otherRoom], {
      code: "23514",
      constraint: "reservation__room_id__immutable",
    });
    await rejects(db(), "UPDATE reservation SET created_at = now() - interval '1 day' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__created_at__immutable",
    });
    await rejects(db(), "UPDATE room SET number = '999' WHERE id = $1", [room], { code: "23514", constraint: "room__number__immutable" });
  });

  it("rejects a row that breaks an invariant translated to a CHECK", async () => {
    await rejects(
      db(),
      "INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id) VALUES ('2030-05-05', '2030-05-05', 1, 1, 'a@b.co', $1, $2)",
      [customer, room],
      {
        code: "23514",
        constraint: "reservation__end_after_start__inv",
      },
    );
    const r = await reservation({ start: "2030-05-10", end: "2030-05-12" });
    // paidWhenConfirmed: status != 'confirmed' || paymentId != null
    await rejects(db(), "UPDATE reservation SET status = 'confirmed' WHERE id = $1", [r.id], {
      code: "23514",
      constraint: "reservation__paid_when_confirmed__inv",
    });
  });

  it("rejects overlapping reservations of one room (noOverlap), except cancelled ones", async () => {
    const first = await reservation({ start: "2030-06-01", end: "2030-06-05" });
    await rejects(
      db(),
      "INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id) VALUES ('2030-06-04', '2030-06-08', 1, 1, 'a@b.co', $1, $2)",
      [customer, room],
      {
        code: "23P01",
        constraint: "reservation__no_double_booking__excl",
      },
    );
    // [start, end): a stay may begin the day the previous one ends; another room is free.
    await reservation({ start: "2030-06-05", end: "2030-06-07" });
    await reservation({ start: "2030-06-02", end: "2030-06-04", room: otherRoom });
    await db().query("UPDATE reservation SET status = 'cancelled' WHERE id = $1", [first.id]);
    await reservation({ start: "2030-06-02", end: "2030-06-04" });
  });

  it("rejects a reference to a missing row and the delete of a referenced one (FK, onDelete restrict)", async () => {
    await rejects(
      db(),
      "INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id) VALUES ('2030-07-01', '2030-07-02', 1, 1, 'a@b.co', gen_random_uuid(), $1)",
      [room],
      {
        code: "23503",
        constraint: "reservation__customer_id__fkey",
      },
    );
    await reservation({ start: "2030-07-10", end: "2030-07-12" });
    await rejects(db(), "DELETE FROM customer WHERE id = $1", [customer], {
      code: ["23503", "23001"],
      constraint: "reservation__customer_id__fkey",
    });
  });

  it("rejects duplicates of a unique field", async () => {
    await rejects(db(), "INSERT INTO room (number, capacity, nightly_rate) VALUES ('101', 1, 1)", [], {
      code: "23505",
      constraint: "room__number__key",
    });
  });

  it.each([
    ["0", "0.00"],
    ["-5", "-5.00"],
  ])("rejects a room whose nightly rate is %s (min 0.01), accepts 0.01", async (rate) => {
    await rejects(db(), "INSERT INTO room (number, capacity, nightly_rate) VALUES ('free', 1, $1)", [rate], {
      code: "23514",
      constraint: "room__nightly_rate__min",
    });
  });

  it("accepts a room whose nightly rate is one cent", async () => {
    await db().query("INSERT INTO room (number, capacity, nightly_rate) VALUES ('cent', 1, '0.01')");
  });

  it("a cancelled reservation frees its room and start date: no unique [room, startDate] outlives the status", async () => {
    const first = await reservation({ start: "2030-08-01", end: "2030-08-02" });
    // A live booking of the same room and start date is refused by noOverlap, not by a unique index.
    await rejects(
      db(),
      "INSERT INTO reservation (start_date, end_date, guests, total_price, email, customer_id, room_id, status) VALUES ('2030-08-01', '2030-08-02', 1, 1, 'a@b.co', $1, $2, 'pending')",
      [customer, room],
      { code: "23P01", constraint: "reservation__no_double_booking__excl" },
    );
    await db().query("UPDATE reservation SET status = 'cancelled' WHERE id = $1", [first.id]);
    await reservation({ start: "2030-08-01", end: "2030-08-02" });
    const catalog = await readCatalog(db());
    expect(Object.keys(catalog.tables.reservation!.constraints).filter((c) => c.endsWith("__key"))).toEqual([]);
  });

  it.each(
    [
      ["guests above max", "guests = 13", "reservation__guests__max"],
      ["guests below min", "guests = 0", "reservation__guests__min"],
      ["negative price", "total_price = -1", "reservation__total_price__min"],
      ["email without @", "email = 'not-an-email'", "reservation__email__format"],
      ["notes over maxLength", "notes = repeat('x', 2001)", "reservation__notes__max_length"],
    ].map(([label, assignment, constraint], i) => [label!, assignment!, constraint!, i] as [string, string, string, number]),
  )("rejects field option violations: %s", async (_label, assignment, constraint, i) => {
    const r = await reservation({ start: `${2040 + i}-01-01`, end: `${2040 + i}-01-05` });
    await rejects(db(), `UPDATE reservation SET ${assignment} WHERE id = $1`, [r.id], { code: "23514", constraint });
  });

  it("rejects a phone that does not match the pattern, accepts one that does", async () => {
    await rejects(db(), "INSERT INTO customer (name, email, phone) VALUES ('B', 'b@example.com', '12345')", [], {
      code: "23514",
      constraint: "customer__phone__pattern",
    });
    await db().query("INSERT INTO customer (name, email, phone) VALUES ('C', 'c@example.com', '+4930123456')");
  });

  it("maintains version and updated_at whatever a raw write sets", async () => {
    const r = await reservation({ start: "2030-10-01", end: "2030-10-03" });
    expect(Number(r.version)).toBe(1);
    const { rows } = await db().query<{ version: number; later: boolean }>(
      "UPDATE reservation SET guests = 3, version = 100, updated_at = '2000-01-01' WHERE id = $1 RETURNING version, updated_at >= created_at AS later",
      [r.id],
    );
    expect(rows[0]).toEqual({ version: 2, later: true });
    const inserted = await db().query<{ version: number }>(
      "INSERT INTO room (number, capacity, nightly_rate, version) VALUES ('103', 1, 1, 42) RETURNING version",
    );
    expect(inserted.rows[0]!.version).toBe(1);
  });
});
