/**
 * The app's API as its OpenAPI document describes it (the executor's /_fascia/openapi.json, read
 * through the studio), rendered by Swagger UI. Its bundle (about 1.7 MiB) is served by the studio
 * beside app.js (scripts/build-studio.ts copies it; never a CDN: the studio works offline) and
 * loaded only when this page opens, so the rest of the app does not carry it. "Try it out" is off:
 * requests from the page would go to the executor without the operator token, and the Console reads.
 */
import { useEffect, useRef, useState } from "react";
import { OPENAPI_URL } from "./api";

const SCRIPT = "api-docs/swagger-ui-bundle.js";
const STYLE = "api-docs/swagger-ui.css";

interface SwaggerUIBundle {
  (options: { url: string; domNode: HTMLElement; deepLinking: boolean; supportedSubmitMethods: string[]; validatorUrl: null; defaultModelsExpandDepth: number }): unknown;
}

declare global {
  interface Window {
    SwaggerUIBundle?: SwaggerUIBundle;
  }
}

let loading: Promise<SwaggerUIBundle> | null = null;

/** Adds Swagger UI's script and styles to the page once, resolving when its global is defined. */
function loadSwaggerUi(): Promise<SwaggerUIBundle> {
  loading ??= new Promise<SwaggerUIBundle>((resolve, reject) => {
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = STYLE;
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.src = SCRIPT;
    script.onload = () => (window.SwaggerUIBundle ? resolve(window.SwaggerUIBundle) : reject(new Error("Swagger UI did not load")));
    script.onerror = () => {
      loading = null;
      reject(new Error(`${SCRIPT} could not be loaded: is the studio's browser app built (npm run build)?`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

export function ApiDocs() {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Asked first here, so an executor that is down is said plainly rather than as Swagger UI's fetch error.
    fetch(OPENAPI_URL)
      .then(async (response) => {
        if (!response.ok) throw new Error(((await response.json().catch(() => null)) as { error?: string } | null)?.error ?? `${response.status}`);
        return loadSwaggerUi();
      })
      .then(
        (render) => {
          if (!live || !box.current) return;
          render({ url: OPENAPI_URL, domNode: box.current, deepLinking: false, supportedSubmitMethods: [], validatorUrl: null, defaultModelsExpandDepth: 0 });
        },
        (e: Error) => live && setError(e.message),
      );
    return () => {
      live = false;
    };
  }, []);
  return (
    <section className="card wide api-docs" data-testid="api-docs">
      <div className="console-bar">
        <h2>API</h2>
        <span className="muted small">the OpenAPI 3.1 document the executor serves, generated from the tool specs</span>
        <span className="spacer" />
        <a className="button ghost" href={OPENAPI_URL} target="_blank" rel="noreferrer">
          openapi.json
        </a>
      </div>
      {error && (
        <div className="console-error" role="alert" data-testid="console-error">
          {error}
        </div>
      )}
      <div ref={box} className="swagger" />
    </section>
  );
}
