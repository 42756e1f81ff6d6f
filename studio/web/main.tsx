/** The studio's browser app: entry point. */
import "./app.css";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { StudioProvider } from "./store";

createRoot(document.getElementById("root")!).render(
  <StudioProvider>
    <App />
  </StudioProvider>,
);
