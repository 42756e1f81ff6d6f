/** The bar on every page: the two areas (Studio, Console), where you are, the app's risk totals, the chat's toggle, history and saving. */
import type { Route } from "./router";
import { href } from "./router";
import { RiskBadge } from "./RiskBadge";
import { useStudio } from "./store";

export function Header(props: { route: Route; chatOpen: boolean; onToggleChat(): void }) {
  const { summary, busy, undo, redo, save } = useStudio();
  const edits = summary?.edits;
  const dirty = edits?.dirty.length ?? 0;
  const name = crumb(props.route);
  const inConsole = props.route.page === "console" || props.route.page === "invocation";
  return (
    <header className="header">
      <a className="brand" href={href({ page: "home" })}>
        <span className="brand-mark">◆</span> Flow Studio
      </a>
      <nav className="areas">
        <a className={inConsole ? "area" : "area active"} href={href({ page: "home" })} data-testid="area-studio">
          Flows
        </a>
        <a className={inConsole ? "area active" : "area"} href={href({ page: "console", panel: "invocations" })} data-testid="area-console">
          Console
        </a>
      </nav>
      <nav className="crumbs">
        <a href={href({ page: "home" })} title={summary?.dir}>
          {summary ? baseName(summary.dir) : "…"}
        </a>
        {name && (
          <>
            <span className="sep">/</span>
            <span className="current">{name}</span>
          </>
        )}
      </nav>
      {summary && (
        <div className="totals" data-testid="risk-totals">
          {(["green", "yellow", "red", "invalid"] as const).map((level) =>
            summary.risk[level] > 0 ? <RiskBadge key={level} risk={level} count={summary.risk[level]} /> : null,
          )}
        </div>
      )}
      <div className="spacer" />
      {summary?.diff && (
        <a className="button ghost" href={href({ page: "diff" })} data-testid="diff-link">
          Changes
        </a>
      )}
      <button
        className={props.chatOpen ? "chat-toggle on" : "chat-toggle"}
        data-testid="chat-toggle"
        aria-pressed={props.chatOpen}
        title="Chat Studio: describe a change, review its diff and risk, accept it"
        onClick={props.onToggleChat}
      >
        Chat
      </button>
      <div className="group">
        <button data-testid="undo" title="Undo (Ctrl+Z)" disabled={!edits?.undo || busy} onClick={() => void undo()}>
          ↶ Undo
        </button>
        <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!edits?.redo || busy} onClick={() => void redo()}>
          Redo ↷
        </button>
      </div>
      <span className={dirty ? "dirty on" : "dirty"} data-testid="dirty" data-dirty={dirty ? "true" : "false"} title={edits?.dirty.join("\n")}>
        {dirty ? `${dirty} unsaved file${dirty > 1 ? "s" : ""}` : "All saved"}
      </span>
      <button className="primary" data-testid="save" title="Save (Ctrl+S)" disabled={!dirty || busy} onClick={() => void save()}>
        Save
      </button>
    </header>
  );
}

function crumb(route: Route): string | null {
  switch (route.page) {
    case "tool":
    case "entity":
      return route.name;
    case "diff":
      return "Changes";
    case "console":
      return "Console";
    case "invocation":
      return `Console / ${route.id}`;
    case "home":
      return null;
  }
}

function baseName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}
