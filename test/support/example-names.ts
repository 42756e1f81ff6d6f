/**
 * The names examples/reservations gives its tools, sorted: what the loader reads, what the
 * executor routes and what a deployment names its FasciaTool children after (slugged).
 */
import { slug } from "../../components/naming";

export const EXAMPLE_TOOLS = [
  "cancelReservation",
  "completeStays",
  "confirmReservation",
  "createReservation",
  "createRoom",
  "listReservations",
  "paymentWebhook",
  "registerCustomer",
] as const;

/** The FasciaTool children of a deployment named `deployment`, in the same order. */
export function exampleToolComponents(deployment: string): string[] {
  return EXAMPLE_TOOLS.map((tool) => `${deployment}-tool-${slug(tool)}`);
}
