/**
 * The package entry: what `import … from "@fascia/pulumi"` gives a Pulumi program — the three
 * components, the types of their arguments, and the helpers a program needs to feed them.
 * components/index.ts gathers them; this file exists so that the entry named by package.json's
 * `exports` sits at the top of the pipeline (.dependency-cruiser.cjs), where nothing inside the
 * product can import it, and so that dist/index.js is where package.json says it is.
 */
export * from "./components/index";
