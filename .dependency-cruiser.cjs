/**
 * The map of the house. Fascia is a pipeline: each folder below may import only the folders
 * listed before it, never one after it. `npm run arch` checks every import of the product's code
 * against this table (CI runs it), and README's pipeline table lists the same folders in the
 * same order. Tests, benchmarks and scripts may import anything; examples only the package, by its
 * name (`@fascia/pulumi`), as a user's program does.
 *
 * To add a folder: put it in LAYERS where its imports allow, with one line on what it is for.
 */

/** Lowest first. A layer may import every layer above it in this list, and none below. */
const LAYERS = [
  ["language", "the spec language: zod schemas and the types of Entity, Tool and Policy documents"],
  ["contracts", "what separate stages must agree on: routes, trigger roles, environment names, canonical JSON, exit codes"],
  ["database", "one database interface, the pg and PGlite drivers, transactions"],
  ["loader", "YAML/JSON files → validated, cross-checked specs with file:line:col diagnostics"],
  ["compiler/schema", "entities → relational model, DDL, guard triggers, CHECKs, CRUD statements"],
  ["compiler/migrations", "two spec versions → ordered, lock-safe migration steps"],
  ["compiler/flow", "a tool's flow → its versioned execution plan"],
  ["risk", "the Risk Engine: tool rules over plans, schema-change rules over migrations, reports"],
  ["migrate", "applies planned migrations: ledger, advisory lock, catalog and drift"],
  ["openapi", "tool specs → the OpenAPI 3.1 document of the API the executor serves"],
  ["executor", "the runtime: the nine-step Execution Contract over HTTP"],
  ["build", "specs → the app manifest, the executor bundle, the OCI image (no Docker daemon) and the image folder"],
  ["dev", "`fascia dev`: the app on embedded PGlite with local stand-ins for the outside world"],
  [
    "assistant",
    "Chat Studio's assistant: a model proposes specs, the loader, compiler and Risk Engine judge them before a person sees them",
  ],
  ["studio", "`fascia studio`: flows and entities in the browser, edited as YAML, re-checked and re-judged live"],
  ["provider", "the dynamic resources: deployed entity specs remembered, the executor image pushed"],
  ["components", "the Pulumi components: FasciaEntity, FasciaTool, FasciaExecutorImage, FasciaDeployment"],
  ["plugin", "the `pulumi-resource-fascia` component provider: the components served to every Pulumi language over gRPC"],
  ["policy", "the CrossGuard policies: the Risk Engine's verdicts on what the components register"],
  ["cli", "the `fascia` command line over every stage"],
  // Last, so nothing inside the product can import the public surface: it is what users import.
  ["index\\.ts", "the package entry: what `@fascia/pulumi` exports (package.json `exports`)"],
];

/** Inside the executor, the same rule: lowest first. */
const EXECUTOR_LAYERS = [
  ["executor/errors", "the error catalogue, FlowError and the deadline: the vocabulary of failure"],
  ["executor/(cel|observability|secrets\\.ts|input)", "CEL values, logs and metrics, secrets, input validation"],
  ["executor/(auth|audit|effects)", "callers, the audit chain, calls to the outside world"],
  ["executor/store", "the executor's own tables: idempotency, audit records"],
  ["executor/app", "the manifest prepared to run: expressions, input readers, programs"],
  ["executor/nodes", "one handler per node type"],
  ["executor/outbox", "effects that wait for their commit: stored, claimed, delivered"],
  ["executor/invoke", "one invocation, the nine steps"],
  ["executor/operator", "the read-only operator API: invocations, chain checks, metrics, deployment state and settings"],
  ["executor/server", "fastify wiring, configuration, readiness, migrations at start"],
  ["executor/main\\.ts", "the process entry of the bundle"],
];

const PRODUCT = LAYERS.map(([path]) => path);

function layerRules(layers, scope) {
  return layers.slice(0, -1).map(([path], i) => ({
    name: `${scope}-${path.replace(/[^a-z]+/g, "-").replace(/-+$/, "")}-imports-upward-only`,
    comment: `${path} (${layers[i][1]}) may not import what comes later in the ${scope}: ${layers
      .slice(i + 1)
      .map(([p]) => p)
      .join(", ")}`,
    severity: "error",
    from: { path: `^${path}` },
    to: {
      path: `^(${layers
        .slice(i + 1)
        .map(([p]) => p)
        .join("|")})`,
    },
  }));
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "a cycle means two modules are one concept split in two, or one of them is in the wrong place",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...layerRules(LAYERS, "pipeline"),
    ...layerRules(EXECUTOR_LAYERS, "executor"),
    {
      name: "examples-use-the-package",
      comment:
        "an example is what a user's program looks like: it imports `@fascia/pulumi` by name (a self-reference through package.json `exports`), never the product's files by path",
      severity: "error",
      from: { path: "^examples/" },
      to: { path: `^(${PRODUCT.join("|")})(/|$)` },
    },
    {
      name: "studio-web-is-a-view",
      comment:
        "the browser app draws what the studio's server answers: it imports studio/protocol.ts (types) and its own files, never the loader, compiler or Risk Engine (one implementation, run by the server)",
      severity: "error",
      from: { path: "^studio/web/" },
      to: { path: `^(${PRODUCT.join("|")})(/|$)`, pathNot: "^studio/(web/|protocol\\.ts$)" },
    },
    {
      name: "assistant-runs-nothing",
      comment:
        "the assistant proposes specs and judges them with the loader, compiler and Risk Engine; nothing it is given can run: it never reaches the executor, a database, the local stand-ins, the image build or the cloud",
      severity: "error",
      from: { path: "^assistant/" },
      to: { path: "^(executor|database|dev|build|provider|components|plugin|policy)/|node_modules/(pg|@electric-sql|@pulumi)/" },
    },
    {
      name: "product-code-does-not-import-tests",
      severity: "error",
      from: { path: `^(${PRODUCT.join("|")})` },
      to: { path: "^(test|bench|scripts)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: a type from a later stage couples as surely as a value.
    tsPreCompilationDeps: true,
    exclude: { path: "^(node_modules|dist)/" },
  },
};

// Read by test/architecture.test.ts, which keeps README's pipeline table in step with LAYERS.
// Not enumerable, because dependency-cruiser refuses configuration keys it does not know.
Object.defineProperty(module.exports, "LAYERS", { value: LAYERS, enumerable: false });
