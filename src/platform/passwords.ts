import { hash, verify } from "@node-rs/argon2";

// Argon2id, memory-hard: 19 MiB, 2 passes (OWASP's recommended minimum).
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** At least 10 characters with a letter and a digit: long enough to resist guessing, short enough to type. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return "at least 10 characters";
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return "letters and digits";
  return null;
}
