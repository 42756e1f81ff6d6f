/**
 * Database connection budget. Every Cloud Run instance opens at most `pool` connections for
 * invocations and EXECUTOR_SIDE_CONNECTIONS beside them (compensation guards), so
 * `maxInstances × (pool + side)` must stay under the instance's `max_connections`, minus what PostgreSQL
 * keeps for superusers and what the migration job and an operator's session need. The component
 * sets `max_connections` as a database flag to exactly the limit used here, so the arithmetic
 * never depends on Cloud SQL's defaults changing. Pure: no Pulumi imports.
 */
import { EXECUTOR_SIDE_CONNECTIONS } from "../contracts/environment";

/** Cloud SQL for PostgreSQL's default max_connections by memory (GB), lower bound inclusive. */
const DEFAULT_LIMITS: readonly { minMemoryGb: number; limit: number }[] = [
  { minMemoryGb: 120, limit: 1000 },
  { minMemoryGb: 60, limit: 800 },
  { minMemoryGb: 30, limit: 600 },
  { minMemoryGb: 15, limit: 500 },
  { minMemoryGb: 7.5, limit: 400 },
  { minMemoryGb: 6, limit: 200 },
  { minMemoryGb: 3.75, limit: 100 },
  { minMemoryGb: 1.7, limit: 50 },
  { minMemoryGb: 0, limit: 25 },
];

/** PostgreSQL's superuser_reserved_connections (3) plus Cloud SQL's own maintenance connections. */
export const RESERVED_CONNECTIONS = 6;
/** The migration job's one connection and one for a person with psql. */
export const SPARE_CONNECTIONS = 2;

/** Memory of a Cloud SQL tier in GB, or undefined for a tier this table does not know. */
export function tierMemoryGb(tier: string): number | undefined {
  if (tier === "db-f1-micro") return 0.6;
  if (tier === "db-g1-small") return 1.7;
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return Number(custom[2]) / 1024;
  const standard = /^db-n1-standard-(\d+)$/.exec(tier);
  if (standard) return Number(standard[1]) * 3.75;
  const highmem = /^db-n1-highmem-(\d+)$/.exec(tier);
  if (highmem) return Number(highmem[1]) * 6.5;
  return undefined;
}

export function defaultConnectionLimit(memoryGb: number): number {
  return DEFAULT_LIMITS.find((row) => memoryGb >= row.minMemoryGb)!.limit;
}

export interface PoolInput {
  tier: string;
  /** Overrides the tier's default max_connections. */
  maxConnections?: number;
  maxInstances: number;
  /** Requests one instance serves at once: more connections than that are never used. */
  concurrency: number;
}

export interface PoolSize {
  /** The max_connections flag set on the instance. */
  connectionLimit: number;
  /** FASCIA_DB_POOL_MAX: connections per Cloud Run instance. */
  poolMax: number;
  /** What the executor instances can use together: maxInstances × (poolMax + the side connections). */
  used: number;
}

export function sizePool(input: PoolInput): PoolSize {
  if (!Number.isInteger(input.maxInstances) || input.maxInstances < 1)
    throw new Error(`\`service.maxInstances\` must be a whole number ≥ 1, got ${input.maxInstances}`);
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1)
    throw new Error(`\`service.concurrency\` must be a whole number ≥ 1, got ${input.concurrency}`);
  const connectionLimit = input.maxConnections ?? defaultLimitOf(input.tier);
  if (!Number.isInteger(connectionLimit) || connectionLimit < 1)
    throw new Error(`\`database.maxConnections\` must be a whole number ≥ 1, got ${connectionLimit}`);
  const available = connectionLimit - RESERVED_CONNECTIONS - SPARE_CONNECTIONS;
  const poolMax = Math.min(Math.floor(available / input.maxInstances) - EXECUTOR_SIDE_CONNECTIONS, input.concurrency);
  if (poolMax < 1) {
    throw new Error(
      `\`service.maxInstances\` = ${input.maxInstances} leaves no database connection per instance: each needs ${EXECUTOR_SIDE_CONNECTIONS} besides its pool, and ` +
        `the instance allows ${connectionLimit} connections, ${RESERVED_CONNECTIONS + SPARE_CONNECTIONS} of them reserved ` +
        `(raise \`database.tier\` or \`database.maxConnections\`, or lower \`service.maxInstances\` to at most ${Math.max(Math.floor(available / (EXECUTOR_SIDE_CONNECTIONS + 1)), 0)})`,
    );
  }
  return { connectionLimit, poolMax, used: (poolMax + EXECUTOR_SIDE_CONNECTIONS) * input.maxInstances };
}

function defaultLimitOf(tier: string): number {
  const memory = tierMemoryGb(tier);
  if (memory === undefined)
    throw new Error(`\`database.tier\` "${tier}" is not a tier whose connection limit is known: set \`database.maxConnections\``);
  return defaultConnectionLimit(memory);
}
