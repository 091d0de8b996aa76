import { describe, expect, it } from "vitest";
import { createBuildProgress } from "./build-progress.ts";

const msg = (o: object): string => `${JSON.stringify(o)}\r\n`;

describe("build progress", () => {
  it("splits the JSON stream into lines across chunk borders and tracks the step", () => {
    const p = createBuildProgress();
    const body =
      msg({ stream: "Step 1/3 : FROM node:24-slim\n" }) +
      msg({ stream: " ---> 1234\n" }) +
      msg({ stream: "Step 2/3 : RUN echo hi" }) +
      msg({ stream: " && true\n" }) +
      msg({ stream: "hi\n" }) +
      msg({ aux: { ID: "sha256:abc" } }) +
      msg({ stream: "Successfully built abc\n" });
    const lines: string[] = [];
    for (let i = 0; i < body.length; i += 7) lines.push(...p.push(body.slice(i, i + 7)));
    lines.push(...p.end());
    expect(lines).toEqual(["Step 1/3 : FROM node:24-slim", " ---> 1234", "Step 2/3 : RUN echo hi && true", "hi", "Successfully built abc"]);
    expect(p.step).toEqual({ index: "2/3", instruction: "RUN echo hi && true" });
    expect(p.imageId).toBe("sha256:abc");
    expect(p.error).toBeUndefined();
  });

  it("keeps the error and a bounded tail", () => {
    const p = createBuildProgress(3);
    p.push(msg({ stream: "Step 3/4 : RUN false\n" }) + msg({ stream: " ---> Running in 1\n" }) + msg({ stream: "partial" }));
    p.push(msg({ errorDetail: { code: 1, message: "The command '/bin/sh -c false' returned a non-zero code: 1" }, error: "x" }));
    p.end();
    expect(p.step).toEqual({ index: "3/4", instruction: "RUN false" });
    expect(p.error).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
    expect(p.tail()).toEqual([" ---> Running in 1", "partial", "The command '/bin/sh -c false' returned a non-zero code: 1"]);
  });

  it("strips colour codes", () => {
    const p = createBuildProgress();
    expect(p.push(msg({ stream: "\u001b[91mred\u001b[0m\n" }))).toEqual(["red"]);
  });
});
