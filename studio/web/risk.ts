/** How a risk level or standing looks. */
import type { Standing } from "../protocol";

export const RISK_COLOUR: Record<Standing, string> = { green: "#1a7f37", yellow: "#bf8700", red: "#cf222e", invalid: "#8250df" };
export const RISK_LABEL: Record<Standing, string> = { green: "Green", yellow: "Yellow", red: "Red", invalid: "Invalid" };

const ORDER: Standing[] = ["green", "yellow", "red", "invalid"];

export function worst(levels: readonly Standing[]): Standing {
  return levels.reduce<Standing>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), "green");
}
