// The one permission check. Roles: admin (everything), editor (edit zones),
// viewer (read only).
export type Role = 'admin' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

/** Who is asking: a signed-in user (lib/auth/session.ts) or one the CLI acts as. */
export interface SessionUser {
  id: number;
  name: string;
  role: Role;
}

export type Permission =
  | 'zone:read'
  | 'zone:write'
  | 'zone:delete'
  // A zone's primaries, transfer ranges, also-notify and TSIG key, and secondary
  // zones from any primary: these make the worker connect to an address, or let
  // others read zones. Editors may name primaries only inside the admin's
  // allow-list (lib/zones/creation-rules.ts).
  | 'zone:configure'
  | 'user:manage';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['zone:read', 'zone:write', 'zone:delete', 'zone:configure', 'user:manage'],
  editor: ['zone:read', 'zone:write'],
  viewer: ['zone:read'],
};

export function can(role: string | undefined, permission: Permission): boolean {
  return role !== undefined && (GRANTS[role as Role] ?? []).includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
