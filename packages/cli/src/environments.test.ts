// The guard rails of `dev env clone|promote`: two names, and no change without --yes outside a terminal.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "./context.ts";
import { confirm, fromTo } from "./environments.ts";
import { createOutput } from "./output.ts";

function ctx(positionals: string[], options: CommandContext["options"] = {}, interactive = false): CommandContext {
  return { cwd: "/nowhere", out: createOutput("text", { stdout: { write: () => true }, stderr: { write: () => true } }), options, positionals, interactive };
}

describe("dev env guard rails", () => {
  it("needs two different environment names", () => {
    expect(fromTo(ctx(["local", "qa"]), "clone")).toEqual({ from: "local", to: "qa" });
    expect(() => fromTo(ctx(["local"]), "clone")).toThrow("dev env clone needs two environments: FROM and TO");
    expect(() => fromTo(ctx(["qa", "qa"]), "promote")).toThrow('FROM and TO are both "qa"');
  });

  it("refuses without --yes when no terminal can answer, and goes ahead with it", async () => {
    await expect(confirm(ctx(["local", "qa"]), "promote these images to qa")).rejects.toMatchObject({
      code: "E_USAGE",
      message: "not changing anything without --yes: there is no terminal to ask whether to promote these images to qa",
      hint: "read the plan above, then run the same command with --yes",
    });
    await expect(confirm(ctx(["local", "qa"], { yes: true }), "promote")).resolves.toBeUndefined();
  });
});
