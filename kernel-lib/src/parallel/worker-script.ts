/**
 * Where the worker script is. A worker thread runs JavaScript, so the pool always starts the built file
 * kernel-lib/dist/parallel/worker.js: next to this module when kernel-lib runs from dist (notebooks, `npm run
 * bench`), or in dist when it runs from its TypeScript sources (vitest, tsx), where `npm run build` must have
 * made it first.
 */
import * as fs from "fs";
import * as path from "path";

/** The candidates, in order: beside this file (running from dist), then dist seen from src/parallel. */
export function workerScriptCandidates(directory: string = __dirname): string[] {
  return [path.join(directory, "worker.js"), path.resolve(directory, "..", "..", "dist", "parallel", "worker.js")];
}

/** The path of the built worker script; throws an error that says to build kernel-lib when there is none. */
export function workerScriptPath(directory: string = __dirname): string {
  const candidates = workerScriptCandidates(directory);
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error(`TrainingPool: the worker script is missing (looked for ${candidates.join(" and ")}): run \`npm run build\` to build kernel-lib first`);
  }
  return found;
}
