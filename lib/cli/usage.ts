// The `zonekeeper` command's usage text: printed by `--help` and after a usage
// error. A module of its own so that `--help` loads nothing else (main.ts).
export const USAGE = `Usage: zonekeeper <command>

Zones
  zone create NAME [--ns HOST …] [--contact EMAIL] [--ttl TTL] [--serial-policy increment|date|unixtime]
                 [--catalog CATALOG|none [--group GROUP]]   list it in a catalog zone (default: the zone template's)
  zone create NAME --secondary --primary ADDR[:PORT] …
  zone create CAT --secondary --primary ADDR[:PORT] … --catalog-consumer [--member-primary ADDR[:PORT] …]
                                   a catalog zone (RFC 9432) to follow: the worker creates the zones it lists as
                                   secondaries (of the member primaries, else of the catalog's) and deletes those it drops
  zone list
  zone delete NAME                 keeps a snapshot for ZK_DELETED_ZONE_DAYS (default 30 days)
  zone deleted                     the deleted zones still kept: who deleted them, when, records, kept until
  zone restore NAME|#ID            brings a deleted zone back with its records, settings, grants and history,
                                   under a greater serial (NOTIFY sent); #ID picks one of several of a name
  zone import NAME FILE            BIND zone file; creates the zone or replaces its content as one change
  zone export NAME                 the zone file on stdout
  zone set NAME [--also-notify ADDR[:PORT],…] [--allow-transfer CIDR,…] [--serial-policy POLICY] [--tsig KEY|none]
               [--primary ADDR[:PORT],…]   (secondary zones: the primaries, tried in order)
               [--catalog CATALOG|none] [--group GROUP|none]
                                   the catalog zone that lists it (created when new) and its group there
               [--member-primary ADDR[:PORT] …|none]   a catalog we consume: where its members transfer from
                                   (none: its own primaries); its members follow its --primary and --tsig too
               [--approval default|none|ns-soa,deletions,over=N]
                                   this zone's approval rules for people who are not admins: changes to the apex
                                   NS or SOA, deletions, changesets over N records need a second person's approval;
                                   none: no rules here; default: the global setting (Settings → Approval)
               [--update-policy RULE …|none]   who may change the zone by DNS UPDATE; repeat for more rules, none clears
                                   RULE: grant|deny KEY name|subdomain|wildcard NAME [TYPE …], or grant|deny KEY zonesub [TYPE …];
                                   the first rule matching key, name and type decides, no match refuses; no TYPE: all but SOA, NS, DNSSEC
  zone sign NAME [--algorithm ecdsap256sha256|ed25519] [--nsec|--nsec3]
                                   sign with DNSSEC (a KSK and a ZSK; NSEC3 without salt or extra iterations
                                   unless --nsec); prints the DS record to give the parent
  zone rollover NAME --ksk [--ds-seen]
                                   start a KSK rollover (prints the new DS for the parent); --ds-seen once
                                   the parent serves it. ZSKs roll by themselves (ZK_DNSSEC_ZSK_LIFETIME)
  zone unsign NAME [--parent-has-no-ds]
                                   back to insecure in two steps: first asks the parent to drop the DS
                                   (CDS/CDNSKEY delete), then, once it has, removes keys and signatures
  zone retrieve NAME               secondary zones: transfer the whole zone from its primaries now (needs the worker)
  zone status NAME [--events N]    serial, primaries, update policy, DNSSEC keys and DS, last check, next refresh, expiry and the latest events

Catalog zones (RFC 9432: secondaries that consume a catalog create and delete its zones by themselves)
  catalog create NAME              an empty catalog; zones join with zone create|set ZONE --catalog NAME
  catalog list                     every catalog, its role (producer: ours; consumer: followed) and members
                                   a catalog's secondaries are set like a zone's: zone set CATALOG --also-notify …

Records (NAME relative to the zone or absolute; @ for the apex)
  record add [--comment TEXT] ZONE NAME TYPE TTL CONTENT…
  record delete [--comment TEXT] ZONE NAME TYPE [CONTENT…]
                                   (--comment comes first: everything after TYPE is the record content)

Change requests (a requester's edits, or an editor's held by an approval rule, wait for a second person)
  request list [--zone ZONE] [--all]   open requests to review (--all: also decided and own ones)
  request show ID                  the edits, and the diff against the zone as it is now, with edits that conflict
  request approve ID [--as USER]   apply it as one change (refused while an edit conflicts)
  request reject ID --reason TEXT [--as USER]
                                   the requester sees the reason. Without --as the local operator (cli) decides;
                                   --as USER acts as that user, with their rights (nobody approves their own)

Replication
  notify ZONE                      send NOTIFY to every secondary now and print each result
  replication [ZONE]               per zone its replication state; with ZONE, each secondary's address,
                                   serial and state (in sync, propagating, behind, unreachable, missing)
  replication doctor [ZONE] [--probe] [--json] [--as USER]
                                   why each secondary that is not in sync is not (the cause, the NOTIFY
                                   answers, refusals and serials behind it) and what to change on which
                                   side; without ZONE every zone with a problem. --probe: the worker probes
                                   the secondaries first. Exit status 0 when all are healthy, 1 otherwise
  tsig add NAME ALGORITHM [SECRET] a TSIG key (hmac-sha256|hmac-sha512|hmac-sha384|hmac-sha224|hmac-sha1,
                                   or hmac-md5 for clients that know nothing else); the secret is generated
                                   when omitted
  tsig list | tsig delete NAME
  autoprimary add IP[:PORT] NAMESERVER [--account TEXT]
                                   a NOTIFY from IP for an unknown zone whose NS set names NAMESERVER
                                   creates it as a secondary of IP:PORT (port 53 by default)
  autoprimary list | autoprimary delete IP NAMESERVER

Users
  user add NAME --role admin|editor|viewer   (password on stdin)
  user list                        name, role, enabled or disabled, source (local, or ldap: the
                                   directory sets role and zones at each sign-in), zones granted
  user grant USER ZONE [--request] let the editor USER see and edit ZONE; with --request, see it and only
                                   request changes, which an editor of ZONE approves (granting again sets the level)
  user revoke USER ZONE
  user disable USER | user enable USER
                                   a disabled user cannot sign in; their sessions end at once
  user password USER               a new password from stdin (empty: one is generated and printed);
                                   the user's sessions end
  user signout USER                end every session of USER (sign out everywhere)

HTTP API keys (PowerDNS-compatible API at /api)
  apikey add NAME [--zone ZONE …] [--name PATTERN …] [--type TYPE …] [--read-only]
                                   a key for every zone or only ZONE; --name/--type limit what it may change
                                   (e.g. --name '_acme-challenge.*' --type TXT); the secret is printed once
  apikey list                      name, last use, creator and scope
  apikey delete NAME               revoke the key at once

Options for changes: --comment TEXT
Environment: DATABASE_URL, ZK_DATA_DIR, ZK_CONTROL_PORT (see README).`;
