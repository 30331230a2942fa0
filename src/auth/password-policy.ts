import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * The admin password policy, after NIST SP 800-63B section 5.1.1.2: a minimum length, a list of
 * common and breached passwords, nothing derived from the user name, no trivial repeats or
 * sequences, and no composition rules (no "one digit, one symbol"). The messages say why a password
 * is refused without ever repeating it.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

let common: Set<string> | undefined;

/** The 49,000 most common passwords of @zxcvbn-ts/language-common (MIT), loaded on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary["passwords-common"] as string[]).map((entry) => entry.toLowerCase()));
  return common;
}

/** Letters and digits only, lower case: `Jane.Doe-1` and `janedoe1` are the same guess. */
const squeeze = (value: string) => value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/** One short unit over and over: `aaaaaaaaaaaa`, `abababababab`, `abcdabcdabcd`. */
function isRepeat(chars: string[]): boolean {
  for (let unit = 1; unit <= 4 && unit * 2 <= chars.length; unit++) {
    if (chars.every((char, index) => char === chars[index % unit])) return true;
  }
  return false;
}

/** Consecutive letters or digits, up or down, digits wrapping 9 to 0: `123456789012`, `zyxwvutsrqpo`. */
function isSequence(chars: string[]): boolean {
  const step = (from: string, to: string): number => {
    if (/\d/.test(from) && /\d/.test(to)) return ((Number(to) - Number(from) + 15) % 10) - 5;
    return (to.codePointAt(0) ?? 0) - (from.codePointAt(0) ?? 0);
  };
  const first = step(chars[0]!, chars[1]!);
  if (first !== 1 && first !== -1) return false;
  return chars.every((char, index) => index === 0 || step(chars[index - 1]!, char) === first);
}

const isTrivial = (value: string): boolean => {
  const chars = [...value.toLowerCase()];
  return chars.length < 2 || isRepeat(chars) || isSequence(chars);
};

/** Whether the password is the user name, reversed, repeated, or padded with digits or a trivial tail. */
function isUsernameVariant(password: string, username: string): boolean {
  const name = squeeze(username);
  if (name.length < 3) return false;
  const reversed = [...name].reverse().join("");
  const rest = squeeze(password).split(name).join("").split(reversed).join("");
  return rest.length < squeeze(password).length && (/^\d*$/.test(rest) || isTrivial(rest));
}

/** Why the password may not be set for this user, or undefined when it may. */
export function passwordProblem(password: string, username: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (commonPasswords().has(password.toLowerCase())) return "is a commonly used password that appears in breach lists; choose another";
  if (isUsernameVariant(password, username)) return "must not be the user name or a variant of it";
  if (isTrivial(password)) return "must not be a repeated character or pattern, or a simple sequence";
  return undefined;
}
