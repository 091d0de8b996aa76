// Compose interpolation: every form compose accepts, the errors it gives, and $$ for a literal $.
import { describe, expect, it } from "vitest";
import { interpolateString, interpolateTree, type InterpolationProblem } from "./interpolate.ts";

const vars = { TAG: "1.27", EMPTY: "", NAME: "shop" };

function run(text: string): { out: string; problems: string[] } {
  const problems: string[] = [];
  const out = interpolateString(text, vars, (severity, message) => problems.push(`${severity}: ${message}`));
  return { out, problems };
}

describe("interpolateString", () => {
  it.each([
    ["nginx:${TAG}", "nginx:1.27"],
    ["nginx:$TAG", "nginx:1.27"],
    ["${MISSING:-1.25}", "1.25"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${EMPTY-fallback}", ""],
    ["${MISSING-fallback}", "fallback"],
    ["${NAME:+set}", "set"],
    ["${EMPTY:+set}", ""],
    ["${EMPTY+set}", "set"],
    ["${MISSING:-${NAME}-db}", "shop-db"],
    ["pa$$word $${HOME}", "pa$word ${HOME}"],
    ["cost: 5$", "cost: 5$"],
  ])("%s → %s", (text, expected) => {
    expect(run(text)).toEqual({ out: expected, problems: [] });
  });

  it("warns about an unset variable and uses an empty string, as compose does", () => {
    expect(run("redis:${REDIS_TAG}")).toEqual({ out: "redis:", problems: ["warning: variable REDIS_TAG is not set; an empty string is used (set it in .env or your shell)"] });
  });

  it("fails on a required variable with its message", () => {
    expect(run("${DB_PASSWORD:?set it in .env}").problems).toEqual(["error: required variable DB_PASSWORD is not set: set it in .env; set it in .env or your shell"]);
    expect(run("${EMPTY:?}").problems).toEqual(["error: required variable EMPTY is empty; set it in .env or your shell"]);
    expect(run("${EMPTY?}").problems).toEqual([]);
  });

  it("names a malformed reference", () => {
    expect(run("${TAG").problems[0]).toMatch(/unclosed "\$\{"/);
    expect(run("${1abc}").problems[0]).toMatch(/is not a variable reference/);
  });
});

describe("interpolateTree", () => {
  it("interpolates values with their paths, not keys or x- templates", () => {
    const problems: InterpolationProblem[] = [];
    const out = interpolateTree({ "x-t": { a: "${NOPE}" }, services: { web: { image: "nginx:${TAG}", ports: ["${P:?port}"] } } }, vars, problems);
    expect(out).toEqual({ "x-t": { a: "${NOPE}" }, services: { web: { image: "nginx:1.27", ports: [""] } } });
    expect(problems).toEqual([{ path: ["services", "web", "ports", 0], severity: "error", message: "required variable P is not set: port; set it in .env or your shell" }]);
  });
});
