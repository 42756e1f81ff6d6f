/**
 * Where the user put nodes by hand ("pinned"), kept in the browser's localStorage per app folder and
 * tool, never in the YAML: positions are a view preference, not part of the spec, and writing them to
 * the file would turn every drag into a diff of the app (and a step of its undo history).
 */
import type { Point } from "./layout";

export type Pins = Record<string, Point>;

function key(dir: string, tool: string): string {
  return `fascia-studio:pins:${dir}:${tool}`;
}

export function loadPins(dir: string, tool: string): Pins {
  try {
    const raw = window.localStorage.getItem(key(dir, tool));
    return raw ? (JSON.parse(raw) as Pins) : {};
  } catch {
    return {};
  }
}

export function savePins(dir: string, tool: string, pins: Pins): void {
  try {
    if (Object.keys(pins).length === 0) window.localStorage.removeItem(key(dir, tool));
    else window.localStorage.setItem(key(dir, tool), JSON.stringify(pins));
  } catch {
    // Storage full or disabled: the pins last as long as the page.
  }
}
