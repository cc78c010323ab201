// One sign-in attempt, local or directory, behind the login throttle: what
// loginAction runs before it starts the session, kept free of next/* so tests
// drive the same path with a real directory.
import { DirectoryUnreachable, NoDirectoryRole } from './ldap';
import { PasswordChecksBusy } from './password';
import type { SessionUser } from './permission';
import { throttleMessage, type LoginThrottle } from './rate-limit';
import { verifyLogin } from './users';

export type SignInResult = { ok: true; user: SessionUser } | { ok: false; message: string };

export const WRONG_LOGIN = 'Wrong user name or password.';
export const NO_DIRECTORY_ROLE = 'Your directory account is in none of the groups that give a role in Zonekeeper; ask an admin to add you to one.';
export const DIRECTORY_UNREACHABLE = 'The LDAP directory cannot be reached, so directory users cannot sign in right now; try again in a while, or tell an admin.';
/** Password checks are all taken (PasswordChecksBusy): not the user's fault. */
export const PASSWORD_CHECKS_BUSY = 'The server is busy checking many sign-ins right now; try again in a few seconds.';

/** Checks `name` and `password` from `address`, counting the attempt as the throttle says. */
export async function signIn(throttle: LoginThrottle, address: string, name: string, password: string): Promise<SignInResult> {
  // Checked before the password (and before any directory bind), so a refused attempt costs nothing and tells nothing.
  const gate = throttle.attempt(address, name);
  if (!gate.allowed) return { ok: false, message: throttleMessage(gate, name) };
  let user: SessionUser | null;
  try {
    user = await verifyLogin(name, password);
  } catch (err) {
    // None of these is a guessed password: the attempt does not count against the user.
    if (err instanceof PasswordChecksBusy) {
      throttle.withdraw(address, name);
      return { ok: false, message: PASSWORD_CHECKS_BUSY };
    }
    if (err instanceof DirectoryUnreachable) {
      console.error(`sign-in of "${name}": ${err.message}`);
      throttle.withdraw(address, name);
      return { ok: false, message: DIRECTORY_UNREACHABLE };
    }
    if (err instanceof NoDirectoryRole) {
      console.warn(`sign-in of "${name}" refused: ${err.message}`);
      throttle.withdraw(address, name);
      return { ok: false, message: NO_DIRECTORY_ROLE };
    }
    throw err;
  }
  // Never say which of the two was wrong.
  if (!user) return { ok: false, message: WRONG_LOGIN };
  throttle.succeeded(address, name);
  return { ok: true, user };
}
