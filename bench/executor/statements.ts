/**
 * Statements per invocation, counted where they leave the process: the executor's Database and
 * the hand-written server's pg pool are wrapped, a few invocations are sent in-process (fastify
 * inject), and every statement (one round trip each) is recorded.
 */
import type { CryptoKey } from "jose";
import { openPg } from "../../database/pg-driver";
import type { AppManifest } from "../../executor/app/manifest";
import { booking, type Seeded } from "./bench-app";
import { countingDatabase } from "./counting-database";
import type { ClientLike, Guarantees, PoolLike } from "./hand-written";
import { handWrittenPool, inProcessExecutor, inProcessHandWritten } from "./in-process";

export interface StatementCounts {
  create: number;
  list: number;
  /** The statements of one createReservation, in order (for the report). */
  createStatements: string[];
}

export interface CountSetup {
  url: string;
  manifest: AppManifest;
  seeded: Seeded;
  /** Checks the tokens, which bench/executor/bench-app.ts's issuer signed for its audience. */
  publicKey: CryptoKey;
  writerToken: string;
  readerToken: string;
  /** First booking number to use (distinct from the load phases'). */
  firstBooking: number;
}

const SAMPLES = 5;

export async function executorStatements(setup: CountSetup): Promise<StatementCounts> {
  const db = countingDatabase(openPg(setup.url, { max: 2 }));
  // The drainer (off here) would put its claims among the counted invocation's statements.
  const server = inProcessExecutor(setup.manifest, db, setup.publicKey);
  try {
    return await count(
      setup,
      () => db.reset(),
      () => db.statements,
      (method, url, headers, payload) => server.inject({ method, url, headers, ...(payload ? { payload } : {}) }),
    );
  } finally {
    await server.close();
    await db.close();
  }
}

export async function handWrittenStatements(setup: CountSetup, guarantees: Guarantees): Promise<StatementCounts> {
  const pool = handWrittenPool(setup.url, 2);
  const statements: string[] = [];
  const counting: PoolLike = {
    async connect() {
      const client = await pool.connect();
      const wrapped: ClientLike = {
        query: (text, values) => {
          statements.push(typeof text === "string" ? text : text.text);
          return (typeof text === "string" ? client.query(text, values) : client.query(text)) as ReturnType<ClientLike["query"]>;
        },
        release: (error) => client.release(error),
      };
      return wrapped;
    },
  };
  const server = inProcessHandWritten(guarantees, counting, setup.publicKey);
  try {
    return await count(
      setup,
      () => void statements.splice(0),
      () => statements,
      (method, url, headers, payload) => server.inject({ method, url, headers, ...(payload ? { payload } : {}) }),
    );
  } finally {
    await server.close();
    await pool.end();
  }
}

type Send = (
  method: "GET" | "POST",
  url: string,
  headers: Record<string, string>,
  payload?: string,
) => Promise<{ statusCode: number; body: string }>;

async function count(setup: CountSetup, reset: () => void, recorded: () => string[], send: Send): Promise<StatementCounts> {
  const per = async (request: (i: number) => Parameters<Send>) => {
    const counts: number[] = [];
    const sent: string[][] = [];
    for (let i = 0; i < SAMPLES; i++) {
      reset();
      const response = await send(...request(i));
      if (response.statusCode !== 200) throw new Error(`statement count: ${response.statusCode} ${response.body}`);
      sent.push([...recorded()]);
      counts.push(sent[i]!.length);
    }
    const last = sent[SAMPLES - 1]!;
    // Which statements differ says why (a first-use statement, a retry), where a bare count would not.
    if (new Set(counts).size !== 1)
      throw new Error(
        `statement count varies between invocations: ${counts.join(", ")}\n${sent.map((s, i) => `#${i + 1}: ${s.map((t) => t.slice(0, 60).replace(/\s+/g, " ")).join(" | ")}`).join("\n")}`,
      );
    return { n: counts[0]!, last };
  };
  const create = await per((i) => {
    const b = booking(setup.seeded, setup.firstBooking + i);
    return [
      "POST",
      "/reservations",
      {
        authorization: `Bearer ${setup.writerToken}`,
        "content-type": "application/json",
        "idempotency-key": `count-${setup.firstBooking + i}`,
      },
      b.body,
    ];
  });
  const list = await per(() => ["GET", "/reservations", { authorization: `Bearer ${setup.readerToken}` }]);
  return { create: create.n, list: list.n, createStatements: create.last };
}
