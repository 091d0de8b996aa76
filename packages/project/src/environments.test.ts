// Environment overlays: namespaces, and cluster settings merged key by key over the top-level cluster.
import { describe, expect, it } from "vitest";
import { validateFiles } from "./validate.ts";

function resolve(dev: string, environment: string) {
  const files = { "dev.yaml": dev, "services/web/service.yaml": "image: example/web:1\n" };
  const result = validateFiles(files, { environment });
  expect(result.errors).toEqual([]);
  return result.value!;
}

const dev = `name: shop
cluster:
  provider: context
  context: prod
  registry: registry.example.com/team
  allowedContexts: [prod, qa]
environments:
  qa:
    cluster:
      context: qa
  mine:
    namespace: shop-mine-ns
    cluster:
      provider: kind
`;

describe("environments", () => {
  it("derive namespaces: the project name for local, suffixed otherwise, unless given", () => {
    expect(resolve(dev, "local").namespace).toBe("shop");
    expect(resolve(dev, "qa").namespace).toBe("shop-qa");
    expect(resolve(dev, "mine").namespace).toBe("shop-mine-ns");
  });

  it("an overlay that names only a context keeps the provider, registry and allowed contexts of the top level", () => {
    expect(resolve(dev, "qa").cluster).toMatchObject({ provider: "context", context: "qa", registry: "registry.example.com/team", allowedContexts: ["prod", "qa"] });
    expect(resolve(dev, "mine").cluster).toMatchObject({ provider: "kind", name: "devup" });
  });
});
