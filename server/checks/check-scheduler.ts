import "server-only";
import type { StepVerdictView } from "@/lib/learner-events";

export type CheckTrigger = "prompt" | "save" | "button";

export interface StepRef {
  chapterId: string;
  stepId: string;
}

export interface CheckSchedulerDeps {
  run(learnerId: string, step: StepRef, trigger: CheckTrigger): Promise<StepVerdictView>;
  onChecking(learnerId: string, step: StepRef): void;
  onVerdict(learnerId: string, step: StepRef, verdict: StepVerdictView): void;
}

interface LearnerState {
  focus?: StepRef;
  /**
   * A prompt or save that came before the page said which step it shows (a shell's first prompt can beat the page's
   * focus request): checked as soon as it does.
   */
  unfocused?: CheckTrigger;
  running?: Promise<StepVerdictView | null>;
  /** A request arrived while a run was going: run once more after it, for the newest state. */
  again?: { trigger: CheckTrigger; waiters: ((v: StepVerdictView | null) => void)[] };
}

/**
 * Decides when a learner's checks run: for the step the learner is looking at, one run at a time per
 * learner, and a burst of prompts or saves during a run collapses into a single follow-up run.
 */
export class CheckScheduler {
  private readonly learners = new Map<string, LearnerState>();

  constructor(private readonly deps: CheckSchedulerDeps) {}

  focus(learnerId: string, step: StepRef): void {
    const state = this.state(learnerId);
    state.focus = step;
    const waiting = state.unfocused;
    state.unfocused = undefined;
    if (waiting) void this.request(learnerId, waiting);
  }

  focusOf(learnerId: string): StepRef | undefined {
    return this.learners.get(learnerId)?.focus;
  }

  forget(learnerId: string): void {
    this.learners.delete(learnerId);
  }

  /** Runs the focused step's checks; resolves with that run's verdict, or null when no step is in focus. */
  request(learnerId: string, trigger: CheckTrigger): Promise<StepVerdictView | null> {
    const state = this.state(learnerId);
    if (!state.focus) {
      state.unfocused = trigger;
      return Promise.resolve(null);
    }
    if (state.running) {
      return new Promise((resolve) => {
        state.again ??= { trigger, waiters: [] };
        if (trigger === "button") state.again.trigger = "button";
        state.again.waiters.push(resolve);
      });
    }
    return this.start(learnerId, state, trigger);
  }

  private start(learnerId: string, state: LearnerState, trigger: CheckTrigger): Promise<StepVerdictView | null> {
    const step = state.focus!;
    this.deps.onChecking(learnerId, step);
    const run = this.deps
      .run(learnerId, step, trigger)
      .then((verdict) => {
        this.deps.onVerdict(learnerId, step, verdict);
        return verdict;
      })
      .catch((error: unknown) => {
        console.error(`checks for ${learnerId} ${step.chapterId}/${step.stepId} failed:`, error);
        return null;
      })
      .finally(() => {
        state.running = undefined;
        const again = state.again;
        state.again = undefined;
        if (again) void this.start(learnerId, state, again.trigger).then((v) => again.waiters.forEach((w) => w(v)));
      });
    state.running = run;
    return run;
  }

  private state(learnerId: string): LearnerState {
    let state = this.learners.get(learnerId);
    if (!state) {
      state = {};
      this.learners.set(learnerId, state);
    }
    return state;
  }
}
