/** Finding installed npm packages and their versions (through their entry points, so `exports` maps do not matter). */
import * as fs from "fs";
import * as path from "path";

/** The folder of an installed package (found through its entry point, so `exports` maps do not matter). */
export function packageDir(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`package ${name} is not installed; run \`npm install\` in the project`);
  }
  let dir = path.dirname(entry);
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === name) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`package ${name}: no package.json found above ${entry}`);
}

/** The version of an installed package. */
export function packageVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(packageDir(name), "package.json"), "utf8")) as { version: string }).version;
}
