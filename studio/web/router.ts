/** Hash routes: #/ (home), #/tools/<name>, #/entities/<name>, #/diff. */
import { useEffect, useState } from "react";

export type Route = { page: "home" } | { page: "tool"; name: string } | { page: "entity"; name: string } | { page: "diff" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "tools" && parts[1]) return { page: "tool", name: parts[1] };
  if (parts[0] === "entities" && parts[1]) return { page: "entity", name: parts[1] };
  if (parts[0] === "diff") return { page: "diff" };
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
