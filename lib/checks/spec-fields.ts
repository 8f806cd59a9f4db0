import { z } from "zod";

/** Fields shared by the check kinds' schemas; content files are validated with these once, at load. */

export const checkBase = {
  /** Unique within its step; a wrong-answer script names the check it must make fail. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  /** What the learner sees in the checklist: "The image example/hello exists". */
  title: z.string().min(1),
  /** Added to the judge's message when the check fails: the lesson's own words on why it matters. */
  onFail: z.string().min(1).optional(),
};

/** A regular expression written as a string in content; compiled by the judge. */
export const pattern = z.string().min(1).refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

/** An image reference as a learner types it: example/hello, example/hello:v2, localhost:5000/hello:latest. */
export const imageRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\/:-]*$/, "expected an image name such as example/hello:latest");

/** A path in the sandbox: absolute, or relative to the chapter's workdir. */
export const sandboxPath = z.string().min(1).refine((p) => !p.split("/").includes(".."), { message: 'must not contain ".."' });

export const megabytes = z.number().nonnegative();

/** How the check reaches a server in the sandbox that uses TLS and basic auth (a learner's own registry). */
export const registryAccess = {
  /** Speak https, trusting this certificate (a path in the sandbox). Without it: plain http. */
  caCert: sandboxPath.optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
};
