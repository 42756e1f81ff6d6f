/**
 * `npm run build:studio`: Flow Studio's browser app, dist/studio-web/ (index.html, app.js, app.css,
 * elk-worker.js, api-docs/), which `fascia studio` serves. One esbuild bundle of studio/web/main.tsx
 * (React, @xyflow/react, elkjs's worker API, uPlot), minified; its CSS (the app's, @xyflow/react's
 * and uPlot's) lands in app.css beside it; elkjs's layout engine runs in a Web Worker from its own,
 * already minified file; Swagger UI's standalone bundle, which only the Console's API docs page
 * loads, is copied as it ships into api-docs/ (served from the studio: no CDN, it works offline).
 */
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

export interface StudioWebBuild {
  outDir: string;
  files: { name: string; bytes: number }[];
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fascia Flow Studio</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="app.css" />
  </head>
  <body>
    <div id="root"></div>
    <script src="app.js"></script>
  </body>
</html>
`;

/** Swagger UI's files the API docs page loads, with its licence (Apache-2.0) beside them. */
const SWAGGER_UI_FILES: readonly [from: string, to: string][] = [
  ["swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["swagger-ui.css", "swagger-ui.css"],
  ["LICENSE", "LICENSE.swagger-ui"],
];

export async function buildStudioWeb(outDir: string, options: { minify?: boolean } = {}): Promise<StudioWebBuild> {
  const root = resolve(__dirname, "..");
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { app: join(root, "studio", "web", "main.tsx") },
    outdir: outDir,
    bundle: true,
    minify: options.minify ?? true,
    format: "iife",
    platform: "browser",
    target: ["chrome111", "firefox115", "safari16"],
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    // layout.ts loads the in-line engine only where no worker engine was set (Node): never in the page.
    external: ["elkjs/lib/elk.bundled.js"],
    logLevel: "warning",
  });
  writeFileSync(join(outDir, "index.html"), INDEX_HTML);
  copyFileSync(require.resolve("elkjs/lib/elk-worker.min.js"), join(outDir, "elk-worker.js"));
  const swaggerUi = dirname(require.resolve("swagger-ui-dist/package.json"));
  mkdirSync(join(outDir, "api-docs"), { recursive: true });
  for (const [from, to] of SWAGGER_UI_FILES) copyFileSync(join(swaggerUi, from), join(outDir, "api-docs", to));
  const files = ["index.html", "app.js", "app.css", "elk-worker.js", ...SWAGGER_UI_FILES.map(([, to]) => `api-docs/${to}`)].map((name) => ({
    name,
    bytes: statSync(join(outDir, name)).size,
  }));
  return { outDir, files };
}

if (require.main === module) {
  const outDir = resolve(__dirname, "..", "dist", "studio-web");
  buildStudioWeb(outDir).then(
    (result) => console.log(`${result.outDir}: ${result.files.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(0)} KiB`).join(", ")}`),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    },
  );
}
