/** `dev env promote FROM TO`: deploy the exact images FROM runs into TO, with TO's overlay; waits until ready. */
import type { CommandContext } from "../context.ts";
import { confirm, deployImages, fromTo, imagePlan, loadEnvironment, sourceImages } from "../environments.ts";

export default async function promote(ctx: CommandContext): Promise<void> {
  const { from, to } = fromTo(ctx, "promote");
  const source = loadEnvironment(ctx, from);
  const target = loadEnvironment(ctx, to);
  const images = await sourceImages(ctx, source, target);
  ctx.out.info({ type: "plan", from, to, images, message: [`promote ${from} (namespace ${source.namespace}) → ${to}:`, ...(await imagePlan(ctx, target, images))].join("\n") });
  await confirm(ctx, `promote these images to ${to}`);
  await deployImages(ctx, target, images, `dev env promote ${from}`);
}
