'use server';
// Login and logout, and the user management of /settings/users, as server
// actions for the web forms. Each management action checks the session and
// the `user:manage` permission itself: a page's check does not protect the
// action, which can be posted to directly.
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { formStateFromError } from '../action-errors';
import { formText, type FormState } from '../forms';
import { clientAddress } from './client-address';
import { loginThrottle } from './rate-limit';
import { PASSWORD_CHECKS_BUSY, signIn } from './sign-in';
import {
  CHANGE_PASSWORD_FIELDS,
  changePasswordFormSchema,
  CREATE_USER_FIELDS,
  createUserFormSchema,
  GRANT_FIELDS,
  grantFormSchema,
  RESET_PASSWORD_FIELDS,
  resetPasswordFormSchema,
  setUserDisabledFormSchema,
  setUserRoleFormSchema,
  SIGN_OUT_USER_FIELDS,
  signOutUserFormSchema,
  USER_DISABLED_FIELDS,
  USER_ROLE_FIELDS,
  type ChangePasswordField,
  type CreateUserState,
  type GrantField,
  type ResetPasswordState,
} from './schema';
import { safeReturnPath } from './return-path';
import { endSession, getCurrentSession, requireUser, startSession } from './session';
import { generatePassword, PasswordChecksBusy } from './password';
import {
  changeOwnPassword,
  createUser,
  grantZone,
  resetPassword,
  revokeZone,
  setUserDisabled,
  setUserRole,
  signOutEverywhere,
  suggestZonesToGrant,
} from './users';
import { displayName } from '../dns/names';
import type { GrantLevel } from './zone-access';

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
  const result = await signIn(loginThrottle(), clientAddress(await headers()), parsed.data.username, parsed.data.password);
  if (!result.ok) return { message: result.message, username: raw.username };
  await startSession(result.user.id);
  redirect(safeReturnPath(formData.get('next')) ?? '/zones');
}

/** Ends this browser's session (the cookie is worthless afterwards, even if someone copied it). */
export async function logoutAction(): Promise<void> {
  await endSession();
  redirect('/login');
}

// ---------------------------------------------------------------- the user's own account

/** Ends every session of the signed-in user, this one included, wherever they are signed in. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser(undefined, { returnTo: '/account' });
  await signOutEverywhere(user.name);
  await endSession();
  redirect('/login');
}

export async function changeOwnPasswordAction(
  _prev: FormState<ChangePasswordField>,
  formData: FormData,
): Promise<FormState<ChangePasswordField>> {
  const user = await requireUser(undefined, { returnTo: '/account' });
  const session = await getCurrentSession();
  const values = formText(formData, CHANGE_PASSWORD_FIELDS);
  const parsed = changePasswordFormSchema.safeParse(values);
  // Passwords are never echoed back into the page.
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors };
  try {
    await changeOwnPassword(user.id, parsed.data.current, parsed.data.password, session?.sessionId);
  } catch (err) {
    if (err instanceof PasswordChecksBusy) return { message: PASSWORD_CHECKS_BUSY };
    return formStateFromError(err, CHANGE_PASSWORD_FIELDS, {});
  }
  revalidatePath('/account');
  return { ok: true, message: 'Your password was changed. Every other session of yours was signed out; this one stays.' };
}

// ---------------------------------------------------------------- user management

const FIX_FIELDS = 'Nothing was changed: see the fields marked below.';

function userPath(name: string): string {
  return `/settings/users/${encodeURIComponent(name.trim().toLowerCase())}`;
}

export async function createUserAction(_prev: CreateUserState, formData: FormData): Promise<CreateUserState> {
  await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, CREATE_USER_FIELDS);
  values.passwordMode ||= 'generate';
  const parsed = createUserFormSchema.safeParse(values);
  // The password is never echoed back into the page.
  const echo = { ...values, password: '' };
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values: echo };
  const v = parsed.data;
  const generated = v.passwordMode === 'generate' ? generatePassword() : undefined;
  let created: CreateUserState['created'];
  try {
    const u = await createUser(v.name, generated ?? v.password, v.role);
    created = { name: u.name, role: u.role, generatedPassword: generated };
  } catch (err) {
    return formStateFromError(err, CREATE_USER_FIELDS, echo);
  }
  revalidatePath('/settings/users');
  return { ok: true, message: `Created ${created.name} (${created.role}).`, created };
}

export async function setUserRoleAction(_prev: FormState<'name' | 'role'>, formData: FormData): Promise<FormState<'name' | 'role'>> {
  const admin = await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, USER_ROLE_FIELDS);
  const parsed = setUserRoleFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  try {
    await setUserRole(parsed.data.name, parsed.data.role, { id: admin.id });
  } catch (err) {
    return formStateFromError(err, USER_ROLE_FIELDS, values);
  }
  revalidatePath('/settings/users');
  revalidatePath(userPath(parsed.data.name));
  return { ok: true, message: `Role changed to ${parsed.data.role}; the user signs in again to use it.`, values };
}

export async function setUserDisabledAction(_prev: FormState<'name' | 'disabled'>, formData: FormData): Promise<FormState<'name' | 'disabled'>> {
  const admin = await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, USER_DISABLED_FIELDS);
  const parsed = setUserDisabledFormSchema.safeParse(values);
  if (!parsed.success) return { message: 'That request was not understood; reload the page.', values };
  const disabled = parsed.data.disabled === 'true';
  try {
    await setUserDisabled(parsed.data.name, disabled, { id: admin.id });
  } catch (err) {
    return formStateFromError(err, USER_DISABLED_FIELDS, values);
  }
  revalidatePath('/settings/users');
  revalidatePath(userPath(parsed.data.name));
  return { ok: true, message: disabled ? 'Disabled: every session of the user has ended.' : 'Enabled: the user can sign in again.' };
}

export async function resetPasswordAction(_prev: ResetPasswordState, formData: FormData): Promise<ResetPasswordState> {
  await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, RESET_PASSWORD_FIELDS);
  const parsed = resetPasswordFormSchema.safeParse(values);
  const echo = { name: values.name };
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values: echo };
  let password: string;
  try {
    password = await resetPassword(parsed.data.name, parsed.data.password || undefined);
  } catch (err) {
    return formStateFromError(err, RESET_PASSWORD_FIELDS, echo);
  }
  revalidatePath(userPath(parsed.data.name));
  return parsed.data.password
    ? { ok: true, message: 'The password was changed and the user’s sessions were ended.' }
    : { ok: true, message: 'The password was changed and the user’s sessions were ended. It is shown only this once:', generatedPassword: password };
}

/** An admin ends every session of a user (a lost laptop, a shared screen); the user signs in again. */
export async function signOutUserAction(_prev: FormState<'name'>, formData: FormData): Promise<FormState<'name'>> {
  const admin = await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, SIGN_OUT_USER_FIELDS);
  const parsed = signOutUserFormSchema.safeParse(values);
  if (!parsed.success) return { message: 'That request was not understood; reload the page.', values };
  let count: number;
  try {
    count = await signOutEverywhere(parsed.data.name);
  } catch (err) {
    return formStateFromError(err, SIGN_OUT_USER_FIELDS, values);
  }
  if (parsed.data.name.trim().toLowerCase() === admin.name) {
    await endSession();
    redirect('/login');
  }
  revalidatePath(userPath(parsed.data.name));
  return { ok: true, message: `Signed out of ${count} session${count === 1 ? '' : 's'}.`, values };
}

async function changeGrant(formData: FormData, change: (user: string, zone: string, level: GrantLevel) => Promise<{ zone: string }>): Promise<FormState<GrantField> & { done?: string }> {
  await requireUser('user:manage', { returnTo: '/settings/users' });
  const values = formText(formData, GRANT_FIELDS);
  const parsed = grantFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  let zone: string;
  try {
    zone = (await change(parsed.data.name, parsed.data.zone, parsed.data.level)).zone;
  } catch (err) {
    return formStateFromError(err, GRANT_FIELDS, values);
  }
  revalidatePath('/settings/users');
  revalidatePath(userPath(parsed.data.name));
  return { ok: true, done: zone };
}

export async function grantZoneAction(_prev: FormState<GrantField>, formData: FormData): Promise<FormState<GrantField>> {
  const r = await changeGrant(formData, grantZone);
  const how = formData.get('level') === 'request' ? ' (request changes only)' : '';
  return r.ok ? { ok: true, message: `Granted ${displayName(r.done ?? '')}${how}.`, values: { name: r.values?.name ?? String(formData.get('name') ?? '') } } : r;
}

export async function revokeZoneAction(_prev: FormState<GrantField>, formData: FormData): Promise<FormState<GrantField>> {
  const r = await changeGrant(formData, (user, zone) => revokeZone(user, zone));
  return r.ok ? { ok: true, message: `Revoked ${displayName(r.done ?? '')}.` } : r;
}

/** Zone names for the grant form's suggestions as the admin types. Not a form action. */
export async function suggestZonesAction(userName: string, query: string): Promise<string[]> {
  await requireUser('user:manage');
  if (typeof userName !== 'string' || typeof query !== 'string' || query.length > 254) return [];
  return suggestZonesToGrant(userName, query, 20);
}
