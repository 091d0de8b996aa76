import { describe, expect, it } from "vitest";
import { dockerfileLine, userStep } from "./build.ts";

describe("user step numbers", () => {
  it("leaves out the LABEL step the engine appends", () => {
    expect(userStep("3/4")).toBe("3/3");
    expect(userStep("4/4")).toBe("4/4");
    expect(userStep("odd")).toBe("odd");
  });
});

describe("dockerfileLine", () => {
  const text = ["# syntax=docker/dockerfile:1", "FROM node:24-slim", "WORKDIR /app", "RUN apt-get update && \\", "    apt-get install -y curl", "", "run  echo   about to fail && false", "CMD [\"node\"]"].join("\n");
  it("finds the line where the failing step's instruction starts, continuations and spacing aside", () => {
    expect(dockerfileLine(text, "FROM node:24-slim")).toBe(2);
    expect(dockerfileLine(text, "RUN apt-get update &&     apt-get install -y curl")).toBe(4);
    expect(dockerfileLine(text, "RUN echo about to fail && false")).toBe(7);
  });
  it("says nothing rather than a wrong line", () => {
    expect(dockerfileLine(text, "RUN npm ci")).toBeUndefined();
    expect(dockerfileLine(text, "")).toBeUndefined();
    expect(dockerfileLine("RUN\n", "RUN npm ci")).toBeUndefined();
  });
});
