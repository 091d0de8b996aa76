// One named fixture project per class of spec error (test/fixtures/*), each with its exact messages.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { loadProject } from "./load.ts";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));

function messages(name: string): { errors: string[]; warnings: string[] } {
  const result = loadProject(fixtures + name);
  if (result.errors.length === 0) expect(result.value).toBeDefined();
  else expect(result.value).toBeUndefined();
  return { errors: result.errors.map(formatDiagnostic), warnings: result.warnings.map(formatDiagnostic) };
}

const cases: Record<string, { errors: string[]; warnings?: string[] }> = {
  "invalid-yaml-syntax": {
    errors: [
      'dev.yaml:3:9: error: YAML syntax: Implicit keys need to be on a single line (check the indentation and the ": " after each key)',
      'dev.yaml:3:9: error: YAML syntax: Nested mappings are not allowed in compact mappings (check the indentation and the ": " after each key)',
    ],
  },
  "invalid-control-planes": {
    errors: [
      "dev.yaml:3:18: error: cluster.controlPlanes: must be 1 or 3: etcd (one member per control-plane node) needs a majority of its members, so an even count survives no more node failures than the odd count below it, and more than 3 control planes (each a full API server + etcd) do not fit a laptop, got a number (2)",
      "dev.yaml:8:22: error: environments.big.cluster.controlPlanes: must be 1 or 3: etcd (one member per control-plane node) needs a majority of its members, so an even count survives no more node failures than the odd count below it, and more than 3 control planes (each a full API server + etcd) do not fit a laptop, got a number (5)",
    ],
  },
  "invalid-unknown-key": {
    errors: [
      'dev.yaml:2:1: error: clustr: unknown key "clustr"; did you mean "cluster"?',
      'services/users/service.yaml:2:1: error: services.users.prots: unknown key "prots"; did you mean "ports"?',
      'services/users/service.yaml:4:1: error: services.users.healthz: unknown key "healthz"; did you mean "health"?',
    ],
  },
  "invalid-wrong-type": {
    errors: [
      'services/users/service.yaml:4:11: error: services.users.ports[0].port: expected a port number from 1 to 65535, got a string ("http")',
      "services/users/service.yaml:5:11: error: services.users.ports[1].port: a port number must be from 1 to 65535, got a number (70000)",
      'services/users/service.yaml:6:11: error: services.users.replicas: expected a number, got a string ("two")',
    ],
  },
  "invalid-missing-required": {
    errors: [
      'dev.yaml:1:1: error: name: missing required key "name"',
      'services/users/service.yaml:3:5: error: services.users.ports[0].port: missing required key "port"',
    ],
  },
  "invalid-duplicate-service": {
    errors: [
      'dev.yaml:4:5: error: services.users: duplicate service name "users": it is also defined in services/users/service.yaml; rename one of them',
    ],
  },
  "invalid-duplicate-forward-port": {
    errors: [
      "services/users/service.yaml:4:14: error: services.users.ports[0].forward: local port 9000 is also forwarded by services.accounts.ports[0]; pick another forward port",
    ],
  },
  "invalid-unknown-dependency": {
    errors: [
      'services/users/service.yaml:2:13: error: services.users.dependsOn[0]: depends on "acounts", but no service has that name; did you mean "accounts"?',
      'services/users/service.yaml:2:22: error: services.users.dependsOn[1]: depends on "billing", but no service has that name',
    ],
  },
  "invalid-dependency-cycle": {
    errors: [
      "services/users/service.yaml:2:13: error: services.users.dependsOn[0]: dependency cycle: accounts → website → users → accounts; remove one of these dependsOn entries",
    ],
  },
  "invalid-ingress-port": {
    errors: [
      'services/users/service.yaml:10:11: error: services.users.ingress[0].port: ingress[0] uses port "htp", which the service does not declare; did you mean "http"?',
      "services/users/service.yaml:13:11: error: services.users.ingress[1].port: ingress[1] uses port 8081, which the service does not declare; declared ports: http, metrics",
    ],
  },
  "invalid-sync-outside-context": {
    errors: [
      `services/users/service.yaml:5:11: error: services.users.sync[1].from: sync path "shared" is outside the build context "services/users"; only files in the image's build context can be synced`,
    ],
  },
  "invalid-env-reference": {
    errors: [
      'services/users/service.yaml:3:13: error: services.users.env.GREETING: refers to config value "greting", which config.values does not define; did you mean "greeting"?',
      'services/users/service.yaml:4:14: error: services.users.env.API_TOKEN: refers to secret "API_TOKEN", but the service has no secrets.envFile',
    ],
  },
  "invalid-build-and-image": {
    errors: [
      "dev.yaml:4:5: error: services.cache: the service has neither build nor image: add build (a Dockerfile to build), image (a prebuilt image) or manifests (your own YAML, kustomize folder or Helm chart)",
      "dev.yaml:7:12: error: services.api.image: give either build or image, not both (image is for a prebuilt image)",
    ],
  },
  "invalid-environment": {
    errors: [
      'dev.yaml:4:16: error: environments.staging.namespace: must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter, at most 63 characters (e.g. "users"), got a string ("Shop_Staging")',
    ],
  },
  "invalid-health": {
    errors: [
      'services/users/service.yaml:5:17: error: services.users.health.http.path: an HTTP path must start with "/", got a string ("health")',
      'services/users/service.yaml:6:17: error: services.users.health.startupGrace: expected a duration: a number of seconds or a string like "500ms", "10s", "2m", got a string ("soon")',
    ],
  },
  "invalid-rollout": {
    errors: [
      'services/accounts/service.yaml:3:19: error: services.accounts.rollout.maxUnavailable: maxUnavailable "150%" is more than 100%; give a percentage from 0% to 100% or a number of pods',
      'services/orders/service.yaml:3:19: error: services.orders.rollout.maxUnavailable: expected a number of pods (e.g. 1) or a percentage of the replicas (e.g. "25%"), got a string ("half")',
      "services/pricing/service.yaml:5:12: error: services.pricing.rollout.promote: promote: manual gates a blueGreen or canary release: set strategy: blueGreen (or canary), or remove promote:",
      "services/pricing/service.yaml:7:5: error: services.pricing.rollout.verify: verify: checks the new version of a blueGreen or canary release: set strategy: blueGreen (or canary), or remove verify:",
      "services/store/service.yaml:9:13: error: services.store.rollout.strategy: blueGreen runs two versions at once, and a volume (ReadWriteOnce) is mounted by one pod at a time: use strategy: rolling for a service with volumes",
      'services/store/service.yaml:11:33: error: services.store.rollout.verify.http.port: no port is named "admin"; the ports are http',
      "services/users/service.yaml:5:13: error: services.users.rollout.maxSurge: maxSurge and maxUnavailable cannot both be 0: no pod could be replaced; set maxSurge: 1 (start the new pod beside the old one)",
    ],
  },
  // services/good is a valid canary (steps, verify, promote: manual): no error of its own.
  "invalid-canary": {
    errors: [
      "services/backwards/service.yaml:8:15: error: services.backwards.rollout.steps[1]: step 10 after 50: the steps give a growing share of the traffic, so each one is more than the one before",
      "services/stray/service.yaml:6:10: error: services.stray.rollout.steps: steps: are the traffic shares of a canary release: set strategy: canary, or remove steps:",
      "services/unfinished/service.yaml:8:15: error: services.unfinished.rollout.steps[1]: the last step is 50: a canary ends with all traffic on the new version; end the steps with 100",
      "services/unrouted/service.yaml:5:13: error: services.unrouted.rollout.strategy: canary splits the ingress traffic between the two versions, and this service has no ingress: routes; add a route (ingress: [{ host: ..., port: ... }]), or use strategy: blueGreen",
      "services/zero/service.yaml:8:11: error: services.zero.rollout.steps[0]: a step sends at least 1% of the traffic to the new version, got a number (0)",
    ],
  },
  "invalid-placement": {
    errors: [
      "services/all/service.yaml:4:17: error: services.all.disruptionBudget.minAvailable: minAvailable 3 with 3 replicas lets no pod be evicted: a node drain would wait forever; use at most 2 (or maxUnavailable: 1)",
      "services/both/service.yaml:5:17: error: services.both.disruptionBudget.minAvailable: give maxUnavailable or minAvailable, not both (a PodDisruptionBudget takes one); remove one of them",
      'services/full/service.yaml:4:17: error: services.full.disruptionBudget.minAvailable: minAvailable "100%" with 4 replicas lets no pod be evicted: a node drain would wait forever; use at most 3 (or maxUnavailable: 1)',
      "services/skew/service.yaml:4:12: error: services.skew.spread.maxSkew: must be at least 1, got a number (0)",
      'services/when/service.yaml:4:22: error: services.when.spread.whenUnsatisfiable: expected "ScheduleAnyway" (prefer spreading, still start the pod) or "DoNotSchedule" (leave it pending instead), got "Sometimes"',
      "services/zero/service.yaml:4:19: error: services.zero.disruptionBudget.maxUnavailable: maxUnavailable 0 lets no pod be evicted: a node drain would wait forever; use 1 (the default) or more",
    ],
    warnings: [
      "services/single/service.yaml:3:3: warning: services.single.disruptionBudget: a disruption budget needs replicas > 1: with 1 replica(s) none is made (a drain cannot keep a single pod up); set replicas: 2 or more",
    ],
  },
  "warn-secret-tracked": {
    errors: [],
    warnings: [
      'services/users/service.yaml:5:12: warning: services.users.secrets.envFile: secret file "services/users/secret.env" is tracked by git; add it to .gitignore and run: git rm --cached services/users/secret.env',
    ],
  },
};

describe("spec error fixtures", () => {
  for (const [name, expected] of Object.entries(cases)) {
    it(name, () => {
      expect(messages(name)).toEqual({ errors: expected.errors, warnings: expected.warnings ?? [] });
    });
  }
});
