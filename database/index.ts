/** Database access: one interface, two drivers (PostgreSQL through pg, embedded PGlite), one transaction helper. */
export * from "./types";
export { openDatabase } from "./open";
export { openPg } from "./pg-driver";
export { openPglite } from "./pglite-driver";
