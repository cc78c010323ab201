// `zonekeeper zone sign|unsign` and the DNSSEC part of `zone status`: the
// keys' public halves and the DS records to give the parent, never a private key.
import { algorithmLabel } from '../../dns/dnssec/types';
import type { SigningStatus } from '../../zones/zone-signing';
import { UsageError } from '../args';
import type { CommandOutput } from '../output';
import { ACTOR, printCommit } from './change';

const zoneSigning = () => import('../../zones/zone-signing');

export async function signCommand(name: string, algorithm: string | undefined, flags: ReadonlySet<string>, io: CommandOutput): Promise<void> {
  if (flags.has('nsec') && flags.has('nsec3')) throw new UsageError('choose --nsec or --nsec3, not both');
  const { enableSigning, getSigningStatus } = await zoneSigning();
  const r = await enableSigning(name, { algorithm, denial: flags.has('nsec') ? 'nsec' : 'nsec3' }, ACTOR);
  printCommit(r, io);
  const { existingZone } = await import('./zone-lookup');
  const status = await getSigningStatus((await existingZone(r.zone)).id);
  io.out();
  printSigning(r.zone, status, (label, value) => io.out(`${`${label}:`.padEnd(14)}${value}`), io);
  io.out();
  io.out(`Next: give the parent of ${r.zone} the DS record above (at your registrar, or in the parent zone), then check the chain with a validating resolver.`);
}

export async function unsignCommand(name: string, parentHasNoDs: boolean, io: CommandOutput): Promise<void> {
  const { disableSigning } = await zoneSigning();
  const { step, commit } = await disableSigning(name, ACTOR, parentHasNoDs);
  printCommit(commit, io);
  if (step === 'announced') {
    io.out(
      `Step 1 of 2: ${commit.zone} now publishes CDS and CDNSKEY delete records (RFC 8078) and stays signed.\n` +
        `Remove the DS of ${commit.zone} at its parent (a parent that reads CDS does it by itself), wait until the DS's TTL has passed,\n` +
        `then run: zonekeeper zone unsign ${commit.zone} --parent-has-no-ds\n` +
        'Removing the signatures while the parent still has a DS makes every validating resolver reject the zone.',
    );
  } else {
    io.out(`${commit.zone} is no longer signed: its keys, signatures and NSEC/NSEC3 records are gone.`);
  }
}

/** The DNSSEC lines of `zone status` and `zone sign`. */
export function printSigning(zone: string, s: SigningStatus, line: (label: string, value: string) => void, io: CommandOutput): void {
  if (s.denial === null) {
    line('dnssec', 'not signed (zonekeeper zone sign NAME)');
    return;
  }
  line('dnssec', `signed, ${s.denial.toUpperCase()}${s.removingDs ? '; asking the parent to remove the DS (CDS/CDNSKEY delete published)' : ''}`);
  if (s.resignAt) line('re-signing', s.resignAt.toISOString());
  for (const k of s.keys) {
    line(k.role.toUpperCase(), `tag ${k.keyTag}, ${algorithmLabel(k.algorithm)}, ${k.state} since ${k.stateSince.toISOString()}`);
    io.out(`${''.padEnd(14)}DNSKEY ${zone} IN DNSKEY ${k.dnskey}`);
    if (k.ds && k.atParent) io.out(`${''.padEnd(14)}DS     ${zone} IN DS ${k.ds}`);
  }
}
