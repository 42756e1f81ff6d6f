/** An audit body for the audit store's tests: a confirmReservation by caller c1, one second apart per `i`. */
import { sha256, type AuditBody } from "../../../executor/audit/audit-chain";

export const confirmBody = (i: number, over: Partial<AuditBody> = {}): AuditBody => ({
  invocationId: `inv-${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  tool: "confirmReservation",
  trigger: "http",
  callerId: "c1",
  callerRoles: ["customer"],
  input: { reservationId: `r-${i}` },
  inputDigest: sha256(`r-${i}`),
  rowsChanged: [{ entity: "Reservation", id: `r-${i}`, action: "transition" }],
  effects: [],
  compensations: [],
  outcome: { status: 200 },
  durationMs: 12,
  ...over,
});
