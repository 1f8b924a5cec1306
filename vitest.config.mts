import * as path from "path";
import { fileURLToPath } from "url";
import { defineConfig } from "vitest/config";

const alias = { "kernel-lib": path.resolve(path.dirname(fileURLToPath(import.meta.url)), "kernel-lib/src/index.ts") };

export default defineConfig({
  test: {
    // Builds kernel-lib once before any test, so notebooks (which import the built package) never see a stale build.
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    projects: [
      { extends: true, resolve: { alias }, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      { extends: true, resolve: { alias }, test: { name: "notebooks", include: ["test/notebooks/**/*.test.ts"], testTimeout: 900_000, hookTimeout: 120_000 } },
    ],
  },
});
