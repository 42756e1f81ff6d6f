/** The shell: header (app, risk totals, undo/redo, save), the page the hash names, and the chat beside it when open. */
import { useEffect, useState } from "react";
import { ChatPanel } from "./chat/ChatPanel";
import { ConsolePage } from "./console/ConsolePage";
import { InvocationPage } from "./console/InvocationPage";
import { DiffPage } from "./DiffPage";
import { EntityPage } from "./EntityPage";
import { Header } from "./Header";
import { Home } from "./Home";
import { useRoute } from "./router";
import { typingIn, useStudio } from "./store";
import { ToolPage } from "./ToolPage";

export function App() {
  const route = useRoute();
  const studio = useStudio();
  const [chatOpen, setChatOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingIn(event.target) || !(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        void studio.undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        void studio.redo();
      } else if (key === "s") {
        event.preventDefault();
        void studio.save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [studio]);

  return (
    <div className="shell">
      <Header route={route} chatOpen={chatOpen} onToggleChat={() => setChatOpen((open) => !open)} />
      {studio.error && (
        <div className="banner" role="alert" data-testid="error">
          <span>{studio.error}</span>
          <button className="link" onClick={studio.dismiss}>
            Dismiss
          </button>
        </div>
      )}
      <div className="workspace">
      <main className="page">
        {!studio.summary ? (
          <div className="empty">Loading the app…</div>
        ) : route.page === "tool" ? (
          <ToolPage key={route.name} name={route.name} />
        ) : route.page === "entity" ? (
          <EntityPage key={route.name} name={route.name} />
        ) : route.page === "diff" ? (
          <DiffPage />
        ) : route.page === "console" ? (
          <ConsolePage panel={route.panel} />
        ) : route.page === "invocation" ? (
          <InvocationPage key={route.id} id={route.id} />
        ) : (
          <Home />
        )}
      </main>
      {chatOpen && studio.summary && <ChatPanel />}
      </div>
    </div>
  );
}
