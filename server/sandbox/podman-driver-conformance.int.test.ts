import { describeDriverConformance } from "./driver-conformance.test-support";
import { createTestDriver, requireSandboxImage } from "./int-test-kit.test-support";

/** The podman driver against the behaviour every SandboxDriver must have (driver-conformance.test-support.ts). */
describeDriverConformance("podman", async () => {
  await requireSandboxImage();
  return createTestDriver("conformance");
});
