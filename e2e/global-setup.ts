// Starts what the product under test talks to for the whole run: the LDAP
// directory (a slapd on LDAP_PORT, lib/testing/slapd.ts) that e2e/helpers/env.ts
// configures the product with. Running for every spec, it answers an unknown
// name with "no such entry", as a site with a directory does, so a sign-in
// with a made-up name still gets "Wrong user name or password.".
import { directoryEnabled, directoryLdif, LDAP_PORT, LDAP_ROOT_PASSWORD, LDAP_SUFFIX } from './helpers/env';
import { requireSlapd, startSlapd } from '../lib/testing/slapd';

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (!directoryEnabled) return undefined;
  const programs = requireSlapd();
  if (!programs) return undefined;
  const slapd = await startSlapd({ programs, suffix: LDAP_SUFFIX, port: LDAP_PORT, rootPassword: LDAP_ROOT_PASSWORD, ldif: directoryLdif() });
  return () => slapd.stop();
}
