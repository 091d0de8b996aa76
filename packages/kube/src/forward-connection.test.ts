import { describe, expect, it } from "vitest";
import { neverConnected } from "./forward-connection.ts";

describe("neverConnected", () => {
  it("recognizes the kubelet's words for a port that was never reached", () => {
    const refused =
      'error forwarding port 8080 to pod 0551, uid : failed to execute portforward in network namespace "/var/run/netns/cni-1": failed to connect to localhost:8080 inside namespace "0551", IPv4: dial tcp4 127.0.0.1:8080: connect: connection refused IPv6 dial tcp6 [::1]:8080: connect: connection refused';
    expect(neverConnected(refused)).toBe(true);
    expect(neverConnected('pods "web-1" not found')).toBe(true);
  });

  it("does not treat a broken connection as never made (the app may have seen the request)", () => {
    expect(neverConnected("error forwarding port 8080 to pod 0551: error copying from remote stream to local connection: readfrom tcp4 127.0.0.1:8080: write: broken pipe")).toBe(false);
    expect(neverConnected("read: connection reset by peer")).toBe(false);
  });
});
