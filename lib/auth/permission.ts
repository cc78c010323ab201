// The one permission check. Roles: admin (everything), editor (edit zones),
// viewer (read only).
export type Role = 'admin' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export type Permission = 'zone:read' | 'zone:write' | 'zone:delete' | 'user:manage';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['zone:read', 'zone:write', 'zone:delete', 'user:manage'],
  editor: ['zone:read', 'zone:write'],
  viewer: ['zone:read'],
};

export function can(role: string | undefined, permission: Permission): boolean {
  return role !== undefined && (GRANTS[role as Role] ?? []).includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
