/**
 * A drill's score: 1000 for a fix within par, less the longer it took, hints counted as time.
 * A give-up or an unfinished attempt scores 0. Pure, so the page can show what a hint will cost.
 */

export const MAX_SCORE = 1000;
/** A fix, however slow, is worth more than no fix. */
export const MIN_PASSING_SCORE = 100;

export interface AttemptTiming {
  /** Wall-clock time from start to the passing check. */
  elapsedMs: number;
  hintsOpened: number;
  hintCostSeconds: number;
  parMinutes: number;
}

/** The time the score is judged on: the clock plus each hint's cost. */
export function effectiveMs(t: Pick<AttemptTiming, "elapsedMs" | "hintsOpened" | "hintCostSeconds">): number {
  return t.elapsedMs + t.hintsOpened * t.hintCostSeconds * 1000;
}

/** Full marks within par; beyond it the score falls as par/time (twice par → half), never below MIN_PASSING_SCORE. */
export function drillScore(t: AttemptTiming): number {
  const par = t.parMinutes * 60_000;
  const took = effectiveMs(t);
  if (took <= par) return MAX_SCORE;
  return Math.max(MIN_PASSING_SCORE, Math.round((MAX_SCORE * par) / took));
}
