/**
 * `npm run build:executor`: the executor bundle, dist/executor/executor.js (+ .map), which
 * `fascia build` copies into an app's image folder when Fascia is installed from the registry.
 */
import { join } from "node:path";
import { bundleExecutor, packageRoot } from "../build/bundle-executor";

const root = packageRoot(__dirname);
bundleExecutor(join(root, "dist", "executor"), { root }).then(
  (result) => console.log(`${result.file}: ${(result.bytes / 1024 / 1024).toFixed(1)} MiB, ${result.how}`),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  },
);
