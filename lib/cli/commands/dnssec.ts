// `zonekeeper zone sign|unsign` and the DNSSEC part of `zone status`: the
// keys' public halves and the DS records to give the parent, never a private key.
import { algorithmLabel } from '../../dns/dnssec/types';
import { getSigningStatus, type SigningStatus } from '../../zones/dnssec-keys';
import { UsageError } from '../args';
import type { CommandOutput } from '../output';
import { ACTOR, printCommit } from './change';
import { canonical } from './zone-lookup';

const zoneSigning = () => import('../../zones/zone-signing');

export async function signCommand(name: string, algorithm: string | undefined, flags: ReadonlySet<string>, io: CommandOutput): Promise<void> {
  if (flags.has('nsec') && flags.has('nsec3')) throw new UsageError('choose --nsec or --nsec3, not both');
  const { enableSigning } = await zoneSigning();
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

export async function rolloverCommand(name: string, flags: ReadonlySet<string>, io: CommandOutput): Promise<void> {
  if (!flags.has('ksk')) {
    throw new UsageError('zone rollover needs --ksk: ZSKs roll by themselves every ZK_DNSSEC_ZSK_LIFETIME; a KSK rollover involves the parent, so you start it');
  }
  const { rollKsk } = await import('../../zones/key-rollover');
  const r = await rollKsk(name, ACTOR, flags.has('ds-seen'));
  const zone = canonical(name);
  if (r.step === 'started') {
    io.out(`${zone}: serial ${r.serial}. KSK rollover started: KSK ${r.keyTag} is published and signs the DNSKEY set beside the old KSK.`);
    io.out(`Give the parent this DS record (CDS/CDNSKEY announce it too):\n  ${zone} IN DS ${r.ds}`);
    io.out(`Once the parent serves it (a parent zone on this server is seen by itself), run: zonekeeper zone rollover ${zone} --ksk --ds-seen`);
  } else {
    io.out(`${zone}: serial ${r.serial}. KSK ${r.keyTag} is the zone's KSK; the old one keeps signing until ZK_DNSSEC_KEY_WAIT has passed, then is removed.`);
    io.out('Remove the old DS at the parent now if it still lists it.');
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
