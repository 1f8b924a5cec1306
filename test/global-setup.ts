import { execFileSync } from "child_process";
import * as path from "path";

/** Rebuilds kernel-lib from the current sources (incremental, so a no-op when nothing changed). */
export default function setup(): void {
  const root = path.resolve(__dirname, "..");
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "kernel-lib/tsconfig.build.json")], {
    stdio: "inherit",
  });
}
