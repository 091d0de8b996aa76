import { describe, expect, it } from "vitest";
import { ApiException } from "@kubernetes/client-node";
import { describeObject, kubeError, networkCode } from "./api-error.ts";

describe("kubeError", () => {
  it("names the object, quotes the API server and lists a 422's field causes", () => {
    const status = {
      kind: "Status",
      status: "Failure",
      message: 'Deployment.apps "users" is invalid: spec.template.spec.containers[0].image: Required value',
      reason: "Invalid",
      details: { name: "users", kind: "Deployment", causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers[0].image" }] },
      code: 422,
    };
    const error = kubeError("applying Deployment shop/users", new ApiException(422, "Unsuccessful HTTP Request", JSON.stringify(status), {}));
    expect(error).toMatchObject({
      code: "E_KUBE",
      message: 'applying Deployment shop/users: Deployment.apps "users" is invalid: spec.template.spec.containers[0].image: Required value',
      details: ["spec.template.spec.containers[0].image: Required value"],
    });
    expect(error.hint).toMatch(/invalid/);
  });

  it("says when the API server cannot be reached", () => {
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }) });
    const error = kubeError("applying Namespace shop", refused, "https://127.0.0.1:6443");
    expect(error.message).toBe("applying Namespace shop: could not reach the Kubernetes API at https://127.0.0.1:6443 (ECONNREFUSED)");
    expect(error.hint).toMatch(/cluster running/);
  });

  it("describes objects with and without a namespace", () => {
    expect(describeObject({ kind: "Deployment", metadata: { name: "users", namespace: "shop" } })).toBe("Deployment shop/users");
    expect(describeObject({ kind: "Namespace", metadata: { name: "shop" } })).toBe("Namespace shop");
  });
});

describe("networkCode", () => {
  it("finds the code in a cause chain and in a WebSocket ErrorEvent's error (a forward to a stopped cluster)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:40123"), { code: "ECONNREFUSED" });
    expect(networkCode({ type: "error", message: "", error: refused })).toBe("ECONNREFUSED");
    expect(networkCode(new Error("fetch failed", { cause: refused }))).toBe("ECONNREFUSED");
    expect(networkCode(new Error("pod not found"))).toBeUndefined();
  });
});
