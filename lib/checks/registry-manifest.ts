import { z } from "zod";
import { fail, parseJson, pass, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, registryAccess } from "./spec-fields";

/** An image in a registry: is it there, and (for a manifest list) which platforms one name serves. */

export const registrySpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("registry-manifest"),
      /** host:port as seen from the sandbox, e.g. localhost:5000 */
      registry: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, "expected host:port"),
      repository: z.string().regex(/^[a-z0-9][a-z0-9._\/-]*$/),
      tag: z.string().default("latest"),
      /** Platforms the manifest list must name; without them the image only has to be there. */
      platforms: z.array(z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, "expected os/arch such as linux/arm64")).min(1).optional(),
      ...registryAccess,
    })
    .strict(),
] as const;

export type RegistrySpec = z.infer<(typeof registrySpecs)[number]>;

/** Every manifest type a registry may answer with; the judge tells a list from a single image. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const manifestSchema = z.object({
  mediaType: z.string().optional(),
  manifests: z
    .array(z.object({ platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional() }))
    .optional(),
});

/** `curl -sS -w '\n%{http_code}' -H 'Accept: …' http(s)://REGISTRY/v2/REPO/manifests/TAG` */
export function judgeRegistryManifest(spec: RegistrySpec, fetch: CommandOutput): CheckResult {
  const ref = `${spec.registry}/${spec.repository}:${spec.tag}`;
  if (fetch.exitCode !== 0) {
    const why = fetch.exitCode === 7 ? "nothing answers there. Is the registry container running?" : fetch.exitCode === 60 ? "its TLS certificate is not trusted." : fetch.stderr.trim();
    return fail(`The lab could not reach the registry ${spec.registry}: ${why}`);
  }
  const lines = fetch.stdout.trimEnd().split("\n");
  const status = Number(lines.pop());
  if (status === 404) return fail(`The registry ${spec.registry} has no ${spec.repository}:${spec.tag}. Push it there first.`);
  if (status === 401) return fail(`The registry ${spec.registry} refused the lab's credentials for ${spec.repository}.`);
  if (status === 200 && !spec.platforms) return pass(`The registry ${spec.registry} has ${spec.repository}:${spec.tag}.`);
  if (status !== 200) return fail(`The registry ${spec.registry} answered ${status} for ${ref}.`);
  const manifest = manifestSchema.safeParse(parseJson(lines.join("\n")));
  if (!manifest.success) return fail(`The registry's answer for ${ref} is not a manifest the lab can read.`);
  const platforms = spec.platforms ?? [];
  if (!manifest.data.manifests) {
    return fail(`${ref} is a single-platform image, not a manifest list: build with --platform ${platforms.join(",")} and push both at once.`);
  }
  // BuildKit adds attestation manifests as platform unknown/unknown; they are not platforms a learner built.
  const found = manifest.data.manifests
    .map((m) => m.platform)
    .filter((p) => p && p.os !== "unknown")
    .map((p) => [p!.os, p!.architecture, p!.variant].filter(Boolean).join("/"));
  const missing = platforms.filter((want) => !found.some((have) => have === want || have.startsWith(`${want}/`)));
  if (missing.length) return fail(`${ref} serves ${found.join(", ") || "no platforms"}; ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing.`);
  return pass(`${ref} serves ${found.join(", ")}.`);
}
