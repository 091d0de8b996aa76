/**
 * `dev env clone FROM TO`: add environments.TO to dev.yaml as a copy of FROM's overlay (comments
 * and formatting kept), then create TO's namespace running the images FROM runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DevupError } from "@devup/errors";
import { cloneEnvironmentOverlay, DEV_FILE, formatDiagnostic, nodeProjectFs, readProjectSources, validateProject } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { confirm, deployImages, fromTo, imagePlan, loadEnvironment, sourceImages } from "../environments.ts";

export default async function clone(ctx: CommandContext): Promise<void> {
  const { from, to } = fromTo(ctx, "clone");
  const source = loadEnvironment(ctx, from);
  const file = join(source.root, DEV_FILE);
  const text = cloneEnvironmentOverlay(readFileSync(file, "utf8"), from, to, DEV_FILE);
  // The edited spec must be valid for TO before anything is written or deployed.
  const fs = nodeProjectFs(source.root);
  const sources = readProjectSources(source.root, fs);
  const checked = validateProject({ ...sources, devFile: { ...sources.devFile, text } }, fs, { environment: to });
  if (!checked.value) {
    throw new DevupError("specInvalid", `environment ${JSON.stringify(to)} would not be valid; dev.yaml was not changed`, { details: checked.errors.map(formatDiagnostic) });
  }
  const target = checked.value;
  const images = await sourceImages(ctx, source, target);
  const plan = [`clone ${from} → ${to}:`, `${DEV_FILE}: add environments.${to} (a copy of ${from}'s overlay; its own namespace ${target.namespace})`, ...(await imagePlan(ctx, target, images))];
  ctx.out.info({ type: "plan", from, to, namespace: target.namespace, images, message: plan.join("\n") });
  await confirm(ctx, `add environment ${to} and deploy it`);
  writeFileSync(file, text);
  ctx.out.info({ type: "spec-edited", file: DEV_FILE, message: `${DEV_FILE}: added environments.${to}` });
  try {
    await deployImages(ctx, loadEnvironment(ctx, to), images, `dev env clone ${from}`);
  } catch (error) {
    ctx.out.info({ type: "spec-kept", message: `${DEV_FILE} keeps environments.${to}; dev env promote ${from} ${to} --yes deploys it again` });
    throw error;
  }
}
