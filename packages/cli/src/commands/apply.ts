/** `dev apply`: the kube_apply step: deploy once, wait until ready, no forwards. */
import type { CommandContext } from "../context.ts";
import { deploy } from "./up.ts";

export default function apply(ctx: CommandContext): Promise<void> {
  return deploy(ctx, false);
}
