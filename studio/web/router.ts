/** Hash routes: #/ (home), #/tools/<name>, #/entities/<name>, #/diff; the Console: #/console[/<panel>], #/console/invocations/<id>. */
import { useEffect, useState } from "react";

export type ConsolePanel = "invocations" | "metrics" | "deployment" | "settings" | "api";
export const CONSOLE_PANELS: readonly ConsolePanel[] = ["invocations", "metrics", "deployment", "settings", "api"];

export type Route =
  | { page: "home" }
  | { page: "tool"; name: string }
  | { page: "entity"; name: string }
  | { page: "diff" }
  | { page: "console"; panel: ConsolePanel }
  | { page: "invocation"; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "tools" && parts[1]) return { page: "tool", name: parts[1] };
  if (parts[0] === "entities" && parts[1]) return { page: "entity", name: parts[1] };
  if (parts[0] === "diff") return { page: "diff" };
  if (parts[0] === "console") {
    if (parts[1] === "invocations" && parts[2]) return { page: "invocation", id: parts[2] };
    const panel = CONSOLE_PANELS.find((p) => p === parts[1]);
    return { page: "console", panel: panel ?? "invocations" };
  }
  return { page: "home" };
}

export function href(route: Route): string {
  switch (route.page) {
    case "home":
      return "#/";
    case "tool":
      return `#/tools/${encodeURIComponent(route.name)}`;
    case "entity":
      return `#/entities/${encodeURIComponent(route.name)}`;
    case "diff":
      return "#/diff";
    case "console":
      return route.panel === "invocations" ? "#/console" : `#/console/${route.panel}`;
    case "invocation":
      return `#/console/invocations/${encodeURIComponent(route.id)}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
