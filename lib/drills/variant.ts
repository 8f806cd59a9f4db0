import { z } from "zod";

/**
 * A drill's variant: the values of its variables (app name, port, path, base image…) for one attempt.
 * The values follow from a seed stored with the attempt, so the page, the check and a later replay of
 * the same attempt all see the same project, while neighbours in a room (other seeds) see different
 * names and ports and cannot paste each other's answer.
 */

/** Each variable and the values it may take; the first value is the drill as written (seed 0). */
export type VariantChoices = Record<string, string[]>;
export type VariantValues = Record<string, string>;

/** Values are pasted into YAML and shell text, so they stay plain: no spaces, quotes or braces. */
export const variantValue = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/:-]*$/, "a variant value is letters, digits and . _ / : - (no spaces or quotes)"));

export const variantChoicesSchema = z.record(
  z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "a variable name is a lower-case word, e.g. appName"),
  z.array(variantValue).min(1),
);

/** A seed for a new attempt: any non-negative 31-bit integer. */
export function newSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0x7fffffff);
}

/**
 * The values for SEED. Seed 0 is the drill as written (every variable's first value); any other seed
 * picks each variable's value independently, by a hash of the seed and the variable's name, so adding
 * a variable never reshuffles the others.
 */
export function pickVariant(choices: VariantChoices, seed: number): VariantValues {
  const values: VariantValues = {};
  for (const [name, options] of Object.entries(choices)) {
    values[name] = seed === 0 ? options[0] : options[hash(`${seed}:${name}`) % options.length];
  }
  return values;
}

/**
 * Every value of every variable appears in at least one of these: what a loader validates so that no
 * seed can produce a broken drill. Row i takes each variable's value i (wrapping).
 */
export function coveringVariants(choices: VariantChoices): VariantValues[] {
  const rows = Math.max(1, ...Object.values(choices).map((o) => o.length));
  return Array.from({ length: rows }, (_, i) => Object.fromEntries(Object.entries(choices).map(([name, options]) => [name, options[i % options.length]])));
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;

export class UnknownVariableError extends Error {
  constructor(readonly variable: string) {
    super(`{{${variable}}} names no variable of this drill`);
  }
}

/** TEXT with each {{name}} replaced by its value; a name with no value is an error, never left in. */
export function renderTemplate(text: string, values: VariantValues): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new UnknownVariableError(name);
    return value;
  });
}

/** FNV-1a, 32 bits: small, stable across platforms and Node versions. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
