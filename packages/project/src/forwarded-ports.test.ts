// forwardedPorts: the one list of ports a service forwards to this machine.
import { describe, expect, it } from "vitest";
import { forwardedPorts } from "./model.ts";
import { validateFiles } from "./validate.ts";

describe("forwardedPorts", () => {
  it("keeps the ports with a forward, in spec order, and leaves out the others", () => {
    const result = validateFiles({
      "dev.yaml": "name: shop\n",
      "services/api/service.yaml": "image: example/api:1\nports:\n  - { name: http, port: 8080, forward: 18080 }\n  - { name: admin, port: 9000 }\n  - { name: stats, port: 8125, protocol: UDP, forward: 18125 }\n",
      "services/db/service.yaml": "image: example/db:1\nports:\n  - port: 5432\n",
    });
    expect(result.errors).toEqual([]);
    const [api, db] = result.value!.services;
    expect(forwardedPorts(api!).map((p) => `${p.name} ${p.protocol} ${p.port}→${p.forward}`)).toEqual(["http TCP 8080→18080", "stats UDP 8125→18125"]);
    expect(forwardedPorts(db!)).toEqual([]);
  });
});
