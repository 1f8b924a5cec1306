import * as path from "path";
import { describe, expect, it } from "vitest";
import type { NotebookResult } from "../../scripts/jupyter";
import { describeNotebook, indexHtml } from "../../scripts/report";

const notebook = path.resolve(__dirname, "../../notebooks/00-getting-started.ipynb");

function result(status: "ok" | "error"): NotebookResult {
  return {
    notebook,
    status,
    seconds: 12.34,
    charts: 3,
    backend: "wasm (test)",
    passes:
      status === "ok"
        ? [{ status: "ok", stage: "top-to-bottom run", seconds: 12 }]
        : [{ status: "error", stage: "top-to-bottom run", seconds: 1, failed_cell: 4, error: "boom" }],
  };
}

describe("report index", () => {
  it("takes the notebook's title and first sentence", () => {
    const { title, summary } = describeNotebook(notebook);
    expect(title).toBe("Getting started: backends, data, a first MLP and live charts");
    expect(summary).toMatch(/^This notebook is the tour of the toolkit: .*\.$/);
  });

  it("lists each notebook with its link, run time, backend, charts and status, naming the failing cell", () => {
    const html = indexHtml(
      [
        { name: "00-a", title: "A <b>", summary: "First.", result: result("ok") },
        { name: "01-b", title: "B", summary: "Second.", result: result("error") },
      ],
      "full",
    );
    expect(html).toContain('<a href="00-a.html">A &lt;b&gt;</a>');
    expect(html).toContain("12.3 s");
    expect(html).toContain("wasm (test)");
    expect(html).toContain("failed in code cell 4");
    expect(html).toMatch(/budget <code>full<\/code>/);
  });
});
