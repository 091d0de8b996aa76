// The one path rule: every spec path stays inside the project, symlinks followed. In memory and on disk.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { memoryFs } from "./fs.ts";
import { loadProject } from "./load.ts";
import { validateProject } from "./validate.ts";

const dev = "name: shop\n";

function check(service: string, extra: Record<string, string> = {}, links: Record<string, string> = {}) {
  const files = { "dev.yaml": dev, "services/web/service.yaml": service, ...extra };
  const result = validateProject(
    { root: "/p", devFile: { path: "dev.yaml", text: dev }, serviceFiles: [{ path: "services/web/service.yaml", text: service }] },
    memoryFs(files, [], links),
  );
  return { errors: result.errors.map(formatDiagnostic), value: result.value };
}

describe("spec paths stay inside the project (memoryFs)", () => {
  it("refuses a config file that climbs out of the project, at its line and column", () => {
    const { errors, value } = check("image: nginx:1\nconfig:\n  files:\n    index.html: ../../../../../../../etc/passwd\n");
    expect(value).toBeUndefined();
    expect(errors).toEqual([
      'services/web/service.yaml:4:17: error: services.web.config.files["index.html"]: config file "../../../../../../../etc/passwd" leaves the project (it resolves to "../../../../../etc/passwd" from the project root); devup reads nothing outside the folder of dev.yaml: move or copy it into the project',
    ]);
  });

  it("refuses absolute paths", () => {
    const { errors } = check("image: nginx:1\nsecrets:\n  files:\n    key: /etc/ssh/ssh_host_rsa_key\n");
    expect(errors).toEqual([
      'services/web/service.yaml:4:10: error: services.web.secrets.files.key: secret file "/etc/ssh/ssh_host_rsa_key" is an absolute path; give a path relative to the spec file\'s folder, inside the project (devup reads nothing outside the folder of dev.yaml)',
    ]);
  });

  it("accepts a path that goes up but stays inside, and a symlink that stays inside", () => {
    const ok = check("image: nginx:1\nconfig:\n  files:\n    a.conf: ../../shared/a.conf\n    b.conf: b.conf\n", { "shared/a.conf": "A", "shared/b.conf": "B" }, { "services/web/b.conf": "../../shared/b.conf" });
    expect(ok.errors).toEqual([]);
    expect(ok.value?.services[0]?.config?.files).toEqual({ "a.conf": { source: "shared/a.conf", content: "A" }, "b.conf": { source: "services/web/b.conf", content: "B" } });
  });

  it("names the symlink and its target when a link inside the project points outside", () => {
    const { errors } = check("image: nginx:1\nconfig:\n  files:\n    index.html: conf/index.html\n", {}, { "services/web/conf": "/etc" });
    expect(errors).toEqual([
      'services/web/service.yaml:4:17: error: services.web.config.files["index.html"]: config file "conf/index.html" (through "services/web/conf"): "services/web/conf" is a symlink to "/etc", outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead',
    ]);
  });

  it("checks every kind of spec path: env file, example, secret files, build context, Dockerfile, sync", () => {
    const outside = "../../../outside";
    const errors = (yaml: string) => check(yaml).errors.map((e) => e.split(": error: ")[1]!.split(":")[0]);
    expect(errors(`image: nginx:1\nsecrets:\n  envFile: ${outside}/secret.env\n`)).toEqual(["services.web.secrets.envFile"]);
    expect(errors(`image: nginx:1\nsecrets:\n  envFile: secret.env\n  example: ${outside}/secret.env\n`)).toContain("services.web.secrets.example");
    expect(errors(`image: nginx:1\nsecrets:\n  files:\n    k: ${outside}/k\n`)).toEqual(["services.web.secrets.files.k"]);
    expect(errors(`build:\n  context: ${outside}\n`)).toEqual(["services.web.build.context"]);
    expect(errors(`build:\n  dockerfile: ${outside}/Dockerfile\n`)).toEqual(["services.web.build.dockerfile"]);
    expect(errors(`image: nginx:1\nsync:\n  - from: ${outside}\n    to: /app\n`)).toEqual(["services.web.sync[0].from"]);
  });

  it("a build context that is a symlink out of the project is refused and nothing under it is read", () => {
    const { errors } = check("build:\n  context: src\nsync:\n  - from: src/app\n    to: /app\n", {}, { "services/web/src": "../../../../home/me/big-tree" });
    expect(errors).toEqual([
      'services/web/service.yaml:2:12: error: services.web.build.context: build context "src": "services/web/src" is a symlink to "../../home/me/big-tree", outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead',
      'services/web/service.yaml:4:11: error: services.web.sync[0].from: sync path "src/app" (through "services/web/src"): "services/web/src" is a symlink to "../../home/me/big-tree", outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead',
    ]);
  });
});

describe("spec paths stay inside the project (real files and symlinks)", () => {
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });
  async function project(files: Record<string, string>, links: Record<string, string> = {}): Promise<{ root: string; outside: string }> {
    const base = await mkdtemp(join(tmpdir(), "devup-confine-"));
    dirs.push(base);
    const root = join(base, "project");
    const outside = join(base, "users");
    await mkdir(outside);
    await writeFile(join(outside, "secret.env"), "PASSWORD=hunter2\n");
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    for (const [path, target] of Object.entries(links)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await symlink(target.replace("$OUTSIDE", outside), join(root, path));
    }
    return { root, outside };
  }

  it("refuses ../users/secret.env and a symlinked config file pointing out; the secret's value is not in the result", async () => {
    const { root, outside } = await project(
      { "dev.yaml": dev, "services/web/service.yaml": "image: nginx:1\nconfig:\n  files:\n    a.env: ../../../users/secret.env\n    b.env: conf/b.env\n" },
      { "services/web/conf/b.env": "$OUTSIDE/secret.env" },
    );
    const result = loadProject(root);
    expect(result.value).toBeUndefined();
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'services/web/service.yaml:4:12: error: services.web.config.files["a.env"]: config file "../../../users/secret.env" leaves the project (it resolves to "../users/secret.env" from the project root); devup reads nothing outside the folder of dev.yaml: move or copy it into the project',
      `services/web/service.yaml:5:12: error: services.web.config.files["b.env"]: config file "conf/b.env": "services/web/conf/b.env" is a symlink to ${JSON.stringify(join(outside, "secret.env"))}, outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead`,
    ]);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it("a symlinked folder pointing out is refused; links that stay inside are followed", async () => {
    const { root } = await project(
      { "dev.yaml": dev, "shared/app.conf": "port=1\n", "services/web/service.yaml": "image: nginx:1\nconfig:\n  files:\n    app.conf: shared/app.conf\n    x.env: out/secret.env\n" },
      { "services/web/shared": "../../shared", "services/web/out": "$OUTSIDE" },
    );
    const result = loadProject(root);
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^config file "out\/secret\.env" \(through "services\/web\/out"\): "services\/web\/out" is a symlink to ".*users", outside the project/)]);
    const fixed = await project({ "dev.yaml": dev, "shared/app.conf": "port=1\n", "services/web/service.yaml": "image: nginx:1\nconfig:\n  files:\n    app.conf: shared/app.conf\n" }, { "services/web/shared": "../../shared" });
    const ok = loadProject(fixed.root);
    expect(ok.errors).toEqual([]);
    expect(ok.value?.services[0]?.config?.files["app.conf"]).toEqual({ source: "services/web/shared/app.conf", content: "port=1\n" });
  });

  it("servicesDir and the service files themselves stay inside: a symlinked service folder pointing out is not read", async () => {
    const { root, outside } = await project({ "dev.yaml": "name: shop\nservicesDir: apps\n", "apps/web/service.yaml": "image: nginx:1\n" }, { "apps/evil": "$OUTSIDE" });
    await writeFile(join(outside, "service.yaml"), "image: evil:1\nenv: { X: hunter2 }\n");
    const result = loadProject(root);
    expect(result.errors.map(formatDiagnostic)).toEqual([
      `apps/evil/service.yaml:1:1: error: service file "apps/evil/service.yaml" (through "apps/evil"): "apps/evil" is a symlink to ${JSON.stringify(outside)}, outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead`,
    ]);
    expect(JSON.stringify(result)).not.toContain("hunter2");

    const up = await project({ "dev.yaml": "name: shop\nservicesDir: ../users\n" });
    await mkdir(join(up.outside, "web"));
    await writeFile(join(up.outside, "web/service.yaml"), "image: evil:1\n");
    const r = loadProject(up.root);
    expect(r.sources.serviceFiles).toEqual([]);
    expect(r.errors.map(formatDiagnostic)).toEqual([
      'dev.yaml:2:14: error: servicesDir: servicesDir "../users" leaves the project (it resolves to "../users" from the project root); devup reads nothing outside the folder of dev.yaml: move or copy it into the project',
    ]);
  });
});
