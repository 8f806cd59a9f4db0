/**
 * Join codes are read off a projector and typed on phones: no 0/O, 1/I/L or other look-alikes,
 * upper case only, six characters (31^6 ≈ 887 million codes, so guessing one is hopeless at the
 * join rate limit).
 */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

/**
 * A new code. The pure layer runs in the browser too, so the caller brings the randomness: on the server,
 * node:crypto's randomInt (a code must not be guessable from the ones before it).
 */
export function newJoinCode(randomInt: (max: number) => number): string {
  let code = "";
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** What a learner typed, as a code: case, spaces and dashes do not matter ("abc-23x" is "ABC23X"). */
export function normalizeJoinCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

export function isWellFormedJoinCode(code: string): boolean {
  return code.length === JOIN_CODE_LENGTH && [...code].every((c) => JOIN_CODE_ALPHABET.includes(c));
}
