// Server-side sessions against a real database: what ends a session, and that
// a copied cookie is worth nothing afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { activeSession, createSession, endSessionByToken, listUserSessions } from './session-store';
import { changeOwnPassword, createUser, resetPassword, setUserDisabled, setUserRole, signOutEverywhere } from './users';
import { AppError } from '../errors';

const PW = 'a-long-password';
const meta = { address: '192.0.2.7', userAgent: 'Mozilla/5.0 Firefox/140.0' };
let n = 0;
async function newUser(role = 'editor') {
  n++;
  return createUser(`sess-${n}`, PW, role);
}

afterEach(() => {
  delete process.env.ZK_SESSION_IDLE;
  delete process.env.ZK_SESSION_MAX;
});

describe('sessions', () => {
  it('a token stands for its user; the database holds only its hash', async () => {
    const u = await newUser();
    const { token, sessionId } = await createSession(u.id, meta);
    expect(await activeSession(token)).toEqual({ user: { id: u.id, name: u.name, role: 'editor' }, sessionId });
    const row = await db().session.findUnique({ where: { id: sessionId } });
    expect(row?.id).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await activeSession(`${token}x`)).toBeNull();
    expect(await activeSession('')).toBeNull();
    expect(await activeSession('a'.repeat(10_000))).toBeNull();
  });

  // Before: logout only cleared the browser's cookie; a copy of it went on working.
  it('logout ends the session for every copy of the cookie', async () => {
    const u = await newUser();
    const { token } = await createSession(u.id, meta);
    await endSessionByToken(token);
    expect(await activeSession(token)).toBeNull();
  });

  // Before: a reset, a role change or disabling left cookies working (and re-enabling revived them).
  it('a password reset, a role change and disabling each end every session of the user', async () => {
    const u = await newUser();
    const other = await newUser();
    const keepOther = await createSession(other.id, meta);

    let a = await createSession(u.id, meta);
    let b = await createSession(u.id, meta);
    await resetPassword(u.name, 'another-password');
    expect(await activeSession(a.token)).toBeNull();
    expect(await activeSession(b.token)).toBeNull();

    a = await createSession(u.id, meta);
    await setUserRole(u.name, 'editor', null); // no change: nothing ends
    expect(await activeSession(a.token)).not.toBeNull();
    await setUserRole(u.name, 'viewer', null);
    expect(await activeSession(a.token)).toBeNull();

    b = await createSession(u.id, meta);
    await setUserDisabled(u.name, true, null);
    await setUserDisabled(u.name, false, null);
    expect(await activeSession(b.token)).toBeNull();

    expect(await activeSession(keepOther.token)).not.toBeNull();
  });

  it('changing one’s own password keeps this browser and ends the others; a wrong current password changes nothing', async () => {
    const u = await newUser();
    const here = await createSession(u.id, meta);
    const elsewhere = await createSession(u.id, meta);
    const wrong = await changeOwnPassword(u.id, 'not-it', 'new-password-1', here.sessionId).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AppError);
    expect((wrong as AppError).fieldErrors.current).toBeDefined();
    expect(await activeSession(elsewhere.token)).not.toBeNull();

    await changeOwnPassword(u.id, PW, 'new-password-1', here.sessionId);
    expect(await activeSession(here.token)).not.toBeNull();
    expect(await activeSession(elsewhere.token)).toBeNull();
  });

  it('sign out everywhere ends them all', async () => {
    const u = await newUser();
    const a = await createSession(u.id, meta);
    const b = await createSession(u.id, meta);
    expect(await signOutEverywhere(u.name)).toBe(2);
    expect(await activeSession(a.token)).toBeNull();
    expect(await activeSession(b.token)).toBeNull();
  });

  it('ends after ZK_SESSION_IDLE without use, and at ZK_SESSION_MAX whatever the use', async () => {
    process.env.ZK_SESSION_IDLE = '600';
    process.env.ZK_SESSION_MAX = '3600';
    const u = await newUser();
    const t0 = new Date('2026-12-05T10:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const { token } = await createSession(u.id, meta, t0);
    // Used every 9 minutes, it stays alive past the idle time...
    for (let s = 540; s < 3600; s += 540) expect(await activeSession(token, at(s)), `at ${s} s`).not.toBeNull();
    // ...but not past the absolute limit.
    expect(await activeSession(token, at(3600))).toBeNull();

    const idle = await createSession(u.id, meta, t0);
    expect(await activeSession(idle.token, at(599))).not.toBeNull();
    expect(await activeSession(idle.token, at(599 + 601))).toBeNull();
    // An ended session's row is gone, not just refused.
    expect(await db().session.count({ where: { id: idle.sessionId } })).toBe(0);
  });

  it('lists the live sessions of a user with where they signed in from', async () => {
    const u = await newUser();
    await createSession(u.id, meta);
    const list = await listUserSessions(u.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ address: '192.0.2.7', userAgent: meta.userAgent });
  });

  it('refuses a malformed ZK_SESSION_IDLE with the variable named', async () => {
    process.env.ZK_SESSION_IDLE = 'soon';
    const u = await newUser();
    await expect(createSession(u.id, meta)).rejects.toThrow(/ZK_SESSION_IDLE must be a whole number of seconds/);
  });
});
