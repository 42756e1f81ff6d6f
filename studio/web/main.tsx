/** The studio's browser app: entry point. */
import "./app.css";
import ELK from "elkjs/lib/elk-api.js";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { setLayoutEngine } from "./layout";
import { StudioProvider } from "./store";

// elkjs runs in a Web Worker, served beside app.js (scripts/build-studio.ts copies it).
setLayoutEngine(() => new ELK({ workerUrl: "elk-worker.js" }));

createRoot(document.getElementById("root")!).render(
  <StudioProvider>
    <App />
  </StudioProvider>,
);
