import { afterEach, describe, expect, it } from "vitest";
import { budget, byBudget } from "kernel-lib";

describe("budget", () => {
  const saved = process.env.NOTEBOOK_BUDGET;
  afterEach(() => {
    if (saved === undefined) delete process.env.NOTEBOOK_BUDGET;
    else process.env.NOTEBOOK_BUDGET = saved;
  });

  it("defaults to full and follows NOTEBOOK_BUDGET", () => {
    delete process.env.NOTEBOOK_BUDGET;
    expect(budget()).toBe("full");
    expect(byBudget({ smoke: 1, full: 10 })).toBe(10);
    process.env.NOTEBOOK_BUDGET = "smoke";
    expect(byBudget({ smoke: 1, full: 10 })).toBe(1);
  });

  it("names a wrong value", () => {
    process.env.NOTEBOOK_BUDGET = "tiny";
    expect(() => budget()).toThrow(/NOTEBOOK_BUDGET = "tiny", expected one of "smoke", "full"/);
  });
});
