'use server';
// Login and logout, as server actions for the web forms.
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { endSession, safeReturnPath, startSession } from './session';
import { verifyLogin } from './users';

export interface LoginFormState {
  message?: string;
  fieldErrors?: { username?: string[]; password?: string[] };
  /** Echoed back so the form keeps it (React 19 resets forms after an action). */
  username?: string;
}

const loginSchema = z.object({
  username: z.string().trim().min(1, 'Enter your user name').max(64, 'That is not a user name'),
  password: z.string().min(1, 'Enter your password').max(1024, 'That password is too long'),
});

const WRONG_LOGIN = 'Wrong user name or password.';

export async function loginAction(_prev: LoginFormState, formData: FormData): Promise<LoginFormState> {
  const raw = {
    username: String(formData.get('username') ?? ''),
    password: String(formData.get('password') ?? ''),
  };
  const parsed = loginSchema.safeParse(raw);
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return { message: 'Enter your user name and password.', fieldErrors, username: raw.username };
  }
  const user = await verifyLogin(parsed.data.username, parsed.data.password);
  // Never say which of the two was wrong.
  if (!user) return { message: WRONG_LOGIN, username: raw.username };
  await startSession(user.id);
  redirect(safeReturnPath(formData.get('next')) ?? '/zones');
}

export async function logoutAction(): Promise<void> {
  await endSession();
  redirect('/login');
}
