import "server-only";
import path from "node:path";
import type { Config } from "@/lib/config";
import { describeSandboxProgress } from "@/lib/sandbox-progress";
import { createLabAdmission } from "./admission/lab-admission";
import { RateLimits } from "./auth/rate-limit";
import { CheckScheduler } from "./checks/check-scheduler";
import { checkLearnerStep } from "./checks/learner-checks";
import { CheckChannels } from "./checks/sandbox-exec";
import { getCourse } from "./content/course";
import { getDrills } from "./content/drills";
import { migrateDatabase } from "./db/migrate";
import { configureDatabase } from "./db/client";
import { createDatabaseSandboxStore } from "./db/sandbox-assignments";
import { LearnerEventBus } from "./events/learner-event-bus";
import { HealthMonitor, labHealthChecks } from "./health/lab-health";
import type { UpgradeRouter } from "./http/upgrade-router";
import { StepProgressLog } from "./progress/step-progress";
import { setRuntime, type LabRuntime } from "./runtime";
import { keepSandboxNetwork } from "./sandbox/network-policy";
import { baseStoreOf } from "./sandbox/base-store";
import { labHomeSnapshots } from "./sandbox/home-snapshots";
import { createPodmanDriver } from "./sandbox/podman-driver";
import { RunawayWatchdog } from "./sandbox/runaway-watchdog";
import { recoveryMessage } from "./sandbox/sandbox-faults";
import { SandboxManager, sandboxManagerOptions, type SandboxRecovery } from "./sandbox/sandbox-manager";
import { noticeWhenAttached, SandboxWatchdog } from "./sandbox/sandbox-watchdog";
import { attachTerminalGateway } from "./terminal/terminal-gateway";
import { TerminalHub } from "./terminal/terminal-hub";
import { restoreExerciseFiles } from "./workspace/restore-exercise-files";
import { savedVersionsOf } from "./workspace/saved-versions";
import { SharedListings } from "./workspace/shared-listing";
import { RoomFeed } from "./workshop/room-feed";
import { roomsToWarm } from "./workshop/room-warmer";

/**
 * The lab's in-process state that routes and the custom server share, each part created once here and handed
 * down through the runtime. Every change of a learner's progress reaches the instructors' room view through the
 * wiring here (and their typing, through the terminal hub's wiring in startLab).
 */
export function createSharedState(): Pick<LabRuntime, "events" | "limits" | "roomFeed" | "listings" | "progress"> {
  const roomFeed = new RoomFeed();
  const progress = new StepProgressLog((learnerId) => roomFeed.noteLearnerChanged(learnerId));
  return { events: new LearnerEventBus(), limits: new RateLimits(), roomFeed, listings: new SharedListings(), progress };
}

/** Starts everything the lab keeps running beside Next: database, sandboxes, network policy, terminals, checks. */
export async function startLab(config: Config, upgrades: UpgradeRouter): Promise<{ stop(): Promise<void> }> {
  configureDatabase(config.DATABASE_URL);
  await migrateDatabase(config.DATABASE_URL);
  // A broken chapter or drill file stops the start with its file and field named, instead of failing a learner later.
  await getCourse();
  await getDrills();

  const diskDir = path.resolve(config.LAYERLAB_DATA_DIR, "disks");
  const driver = createPodmanDriver({
    image: config.LAYERLAB_SANDBOX_IMAGE,
    network: config.LAYERLAB_NETWORK,
    registry: config.LAYERLAB_REGISTRY,
    diskDir,
    instance: config.LAYERLAB_INSTANCE,
    baseStore: baseStoreOf(config),
  });
  const policy = await keepSandboxNetwork({ instance: config.LAYERLAB_INSTANCE, network: config.LAYERLAB_NETWORK, registry: config.LAYERLAB_REGISTRY, egress: config.LAYERLAB_EGRESS });
  const admission = createLabAdmission(config);
  const shared = createSharedState();
  const { events, roomFeed, progress } = shared;
  // What the lab did about a learner's sandbox by itself, told in their terminal and on their page.
  const onRecovered = (r: SandboxRecovery) =>
    void (async () => {
      if (r.action === "replaced") await restoreExerciseFiles(driver, r.learnerId, r.sandboxId, savedVersionsOf(config)).catch((error) => console.error(`putting ${r.learnerId}'s exercise files back failed:`, error));
      const message = recoveryMessage(r.fault, r.action, { memoryMb: config.LAYERLAB_SANDBOX_MEMORY_MB, pids: config.LAYERLAB_SANDBOX_PIDS });
      events.publish(r.learnerId, { type: "recovery", fault: r.fault, action: r.action, message });
      noticeWhenAttached((learnerId, line) => terminals.notice(learnerId, line), r.learnerId, message);
    })();
  const sandboxes = new SandboxManager({ ...sandboxManagerOptions(config, { driver, store: createDatabaseSandboxStore() }), admission, onRecovered, homes: labHomeSnapshots(config, diskDir), warmRooms: () => roomsToWarm(config.LAYERLAB_WARM_SEATS) });
  await sandboxes.start();

  const terminals = new TerminalHub({
    driver,
    sandboxes: {
      acquire: async (learnerId, onProgress) => {
        const acquired = await sandboxes.acquire(learnerId, onProgress && ((p) => onProgress({ phase: p.phase, ...describeSandboxProgress(p) })));
        return { id: acquired.sandboxId };
      },
      isIdle: (learnerId) => sandboxes.isIdle(learnerId),
      touch: (learnerId) => {
        sandboxes.touch(learnerId);
        watchdog.noteInput(learnerId);
        // Typing is the room view's "last active".
        roomFeed.noteLearnerActivity(learnerId);
      },
    },
  });

  // Throttles a sandbox burning its CPU with nobody typing, stops fork bombs, and says so in the learner's terminal.
  const assignments = createDatabaseSandboxStore();
  const watchdog = new RunawayWatchdog({
    windowMs: config.LAYERLAB_RUNAWAY_MIN * 60_000,
    assignments: async () => (await assignments.list()).map(({ learnerId, sandboxId }) => ({ learnerId, sandboxId })),
    notify: (learnerId, line) => terminals.notice(learnerId, line),
  });
  watchdog.start();

  // Restarts Docker that stopped answering, a sandbox killed from outside, and one wedged by memory or processes.
  const sandboxWatchdog = new SandboxWatchdog({
    sandboxes: () => sandboxes.watched(),
    diskDir,
    exec: (id, command, options) => driver.exec(id, command, options),
    recover: (learnerId, sandboxId, fault) => sandboxes.recover(learnerId, sandboxId, fault),
    gaveUp: (learnerId) =>
      terminals.notice(learnerId, "Your sandbox keeps failing right after the lab repaired it (3 times in 10 minutes), so the lab leaves it alone now. Restart it, or stop what keeps filling its memory or processes."),
  });
  sandboxWatchdog.start();

  // One long-lived channel per learner's sandbox for the checks' commands, and its engine asked on its socket (issue 12).
  const checkChannels = new CheckChannels({ diskDir });
  const checks = new CheckScheduler({
    run: (learnerId, step, trigger) =>
      checkLearnerStep(
        { exec: (id) => checkChannels.for(id), sandboxOf: (id) => sandboxes.sandboxOf(id), acquire: async (id) => (await sandboxes.acquire(id)).sandboxId, progress },
        learnerId,
        step,
        trigger,
      ),
    onChecking: (learnerId, step) => events.publish(learnerId, { type: "checking", ...step }),
    onVerdict: (learnerId, step, verdict) => events.publish(learnerId, { type: "verdict", ...step, verdict }),
  });
  terminals.onPrompt(({ learnerId }) => void checks.request(learnerId, "prompt"));

  const health = new HealthMonitor(
    labHealthChecks(config, { listSandboxes: () => driver.list(), admission: () => ({ ...sandboxes.admissionStatus(), capacity: admission.lastCapacity() }) }),
  );
  // Learners' builds wait on the registry at every FROM: the lab looks at its parts itself, and repairs what it can.
  const healthWatch = health.watch(30_000);
  const runtime: LabRuntime = {
    config,
    driver,
    sandboxes,
    terminals,
    checks,
    checkChannels,
    health,
    drillChecks: new Set(),
    ...shared,
  };
  setRuntime(runtime);
  const gateway = attachTerminalGateway(upgrades, runtime);

  return {
    async stop() {
      healthWatch.stop();
      await policy.stop();
      gateway.close();
      await watchdog.stop();
      await sandboxWatchdog.stop();
      await terminals.closeAll();
      checkChannels.closeAll();
      await sandboxes.shutdown();
    },
  };
}
