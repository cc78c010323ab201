// What the user-management forms on /settings/users submit, and what their
// actions return. Shared by the forms (client) and lib/auth/actions.ts.
import { z } from 'zod';
import type { FormState } from '../forms';
import { ROLES } from './permission';

/** Shortest password accepted anywhere (web, CLI, first admin). */
export const MIN_PASSWORD_LENGTH = 8;

const roleField = z.enum(ROLES as [string, ...string[]], { message: 'Choose admin, editor or viewer' });
const userName = z.string().trim().min(1, 'Enter a user name').max(63, 'At most 63 characters');

export const CREATE_USER_FIELDS = ['name', 'role', 'passwordMode', 'password'] as const;
export type CreateUserField = (typeof CREATE_USER_FIELDS)[number];

export const createUserFormSchema = z
  .object({
    name: userName.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, dot, dash or underscore, starting with a letter or digit'),
    role: roleField,
    passwordMode: z.enum(['generate', 'set'], { message: 'Choose to generate or set a password' }),
    password: z.string().max(1024, 'That password is too long'),
  })
  .refine((v) => v.passwordMode === 'generate' || v.password.length >= MIN_PASSWORD_LENGTH, {
    path: ['password'],
    message: `At least ${MIN_PASSWORD_LENGTH} characters, or choose a generated password`,
  });

/** On success, the one time a generated password is shown. */
export interface CreateUserState extends FormState<CreateUserField> {
  created?: { name: string; role: string; generatedPassword?: string };
}

export const USER_ROLE_FIELDS = ['name', 'role'] as const;
export const setUserRoleFormSchema = z.object({ name: userName, role: roleField });

export const USER_DISABLED_FIELDS = ['name', 'disabled'] as const;
export const setUserDisabledFormSchema = z.object({ name: userName, disabled: z.enum(['true', 'false']) });

export const RESET_PASSWORD_FIELDS = ['name', 'password'] as const;
export type ResetPasswordField = (typeof RESET_PASSWORD_FIELDS)[number];
export const resetPasswordFormSchema = z.object({
  name: userName,
  password: z
    .string()
    .max(1024, 'That password is too long')
    .refine((p) => p === '' || p.length >= MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters, or leave empty to generate one`),
});
export interface ResetPasswordState extends FormState<ResetPasswordField> {
  /** The new password when it was generated, shown once. */
  generatedPassword?: string;
}

export const GRANT_FIELDS = ['name', 'zone', 'level'] as const;
export type GrantField = (typeof GRANT_FIELDS)[number];
export const grantFormSchema = z.object({
  name: userName,
  zone: z.string().trim().min(1, 'Type a zone name, like example.com').max(254, 'A zone name is at most 253 characters'),
  /** edit (the default when absent) or request: the editor only asks for changes (lib/requests). */
  level: z.enum(['', 'edit', 'request'], { message: 'Choose edit or request changes' }).transform((v) => (v === 'request' ? 'request' : 'edit')),
});

export const CHANGE_PASSWORD_FIELDS = ['current', 'password', 'confirm'] as const;
export type ChangePasswordField = (typeof CHANGE_PASSWORD_FIELDS)[number];
export const changePasswordFormSchema = z
  .object({
    current: z.string().min(1, 'Enter your current password').max(1024, 'That password is too long'),
    password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(1024, 'That password is too long'),
    confirm: z.string().max(1024, 'That password is too long'),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two new passwords differ' });

export const SIGN_OUT_USER_FIELDS = ['name'] as const;
export const signOutUserFormSchema = z.object({ name: userName });
