/**
 * The map of the house stays true: README's pipeline table lists the layers of
 * .dependency-cruiser.cjs in the same order, every product folder is a layer, and the rules
 * reject an import that runs against the pipeline (checked on a real import, so the rules
 * cannot silently match nothing).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS by dependency-cruiser's convention
const { LAYERS } = require("../../.dependency-cruiser.cjs") as { LAYERS: [string, string][] };

const NOT_PRODUCT = new Set(["node_modules", "dist", "test", "bench", "scripts", "examples", "docs", "bin", "coverage"]);

test("README's pipeline table lists the layers in order", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## The pipeline"), readme.indexOf("## Using the CLI"));
  const folders = [...section.matchAll(/^\| `([a-z/.]+?)\/?` \|/gm)].map((m) => m[1]);
  // A layer is a path pattern: the package entry is written `index\\.ts` there, `index.ts` here.
  expect(folders).toEqual(LAYERS.map(([path]) => path.replace(/\\\./g, ".")));
});

test("every top-level folder with TypeScript is a layer (or a layer's parent)", () => {
  const layers = LAYERS.map(([path]) => path);
  const tops = readdirSync(".", { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !NOT_PRODUCT.has(e.name))
    .map((e) => e.name)
    .filter((name) => readdirSync(name, { recursive: true }).some((f) => String(f).endsWith(".ts")));
  for (const top of tops) expect(layers.some((l) => l === top || l.startsWith(`${top}/`))).toBe(true);
});

describe("the rules bite", () => {
  const probe = join("language", "__probe_against_the_pipeline.ts");
  const exampleProbe = join("examples", "__probe_by_path.ts");
  afterEach(() => {
    for (const file of [probe, exampleProbe]) if (existsSync(file)) rmSync(file);
  });

  const cruise = (folder = "language"): { code: number; out: string } => {
    try {
      const out = execFileSync(
        process.execPath,
        [
          join("node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs"),
          folder,
          "--config",
          ".dependency-cruiser.cjs",
          "--output-type",
          "err",
          "--max-depth",
          "1",
        ],
        { encoding: "utf8" },
      );
      return { code: 0, out };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: `${e.stdout}${e.stderr}` };
    }
  };

  test("the language layer as it is passes", () => {
    expect(cruise().code).toBe(0);
  });

  test("an import from the language layer into the executor is refused, by name", () => {
    mkdirSync("language", { recursive: true });
    writeFileSync(probe, 'import { ToolError } from "../executor/errors/catalogue";\nexport const probe = ToolError;\n');
    const { code, out } = cruise();
    expect(code).not.toBe(0);
    expect(out).toContain("pipeline-language-imports-upward-only");
    expect(out).toContain("__probe_against_the_pipeline.ts");
  });

  test("the example stack, which imports `@fascia/pulumi` by name, passes", () => {
    expect(cruise("examples")).toMatchObject({ code: 0 });
  });

  test("an example reaching into the product by path is refused, even into components/", () => {
    writeFileSync(exampleProbe, 'import { FasciaDeployment } from "../components";\nexport const probe = FasciaDeployment;\n');
    const { code, out } = cruise("examples");
    expect(code).not.toBe(0);
    expect(out).toContain("examples-use-the-package");
    expect(out).toContain("__probe_by_path.ts");
  });
});
