/**
 * Executes every notebook through real Jupyter (nbclient, the project's tslab kernel) with the smoke
 * budget, then runs every cell a second time in the same kernel, as a user rerunning cells does. A cell
 * error in either pass, a notebook that shows no chart (or loses one in the HTML export), or a rerun that
 * prints different numbers, fails the test with the cell and the error.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { describeFailure, listNotebooks, runNotebook } from "../../scripts/jupyter";

const notebooks = listNotebooks();

describe("notebooks", () => {
  it("exist", () => {
    expect(notebooks.map((n) => path.basename(n))).toContain("00-getting-started.ipynb");
  });

  for (const notebook of notebooks) {
    const name = path.basename(notebook);

    it(`${name} is committed clean: tslab kernel, no outputs`, () => {
      const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { metadata: { kernelspec?: { name?: string } }; cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
      expect(nb.metadata.kernelspec?.name).toBe("tslab");
      const dirty = nb.cells.filter((c) => c.cell_type === "code" && ((c.outputs ?? []).length > 0 || c.execution_count != null));
      expect(dirty.length, "code cells with outputs or execution counts").toBe(0);
    });

    it(`${name} runs top to bottom and again cell by cell, shows charts, and exports them to HTML`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notebook-html-"));
      try {
        const html = path.join(dir, "report.html");
        const result = await runNotebook(notebook, { budget: "smoke", rerun: true, html, timeoutSeconds: 600 });
        expect(result.status, describeFailure(result)).toBe("ok");
        expect(result.passes).toHaveLength(2);
        expect(result.charts, "outputs with a Vega-Lite spec and its SVG").toBeGreaterThan(0);
        expect(result.backend, "the notebook prints the backend line first").toMatch(/^\w+ \(/);
        // The rerun starts again from the notebook's seed cell, so it must print the same numbers.
        expect(result.passes[1]!.printed, "the rerun printed different numbers: a random draw escapes the seed").toBe(result.passes[0]!.printed);
        expect(result.html_charts, "every SVG output appears as an image in the HTML").toBe(result.svg_outputs);
        expect(fs.readFileSync(html, "utf8")).not.toContain('data-mime-type="application/vnd.vegalite');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
