// Differential test (issue 3): the same zone served by the worker and by NSD 4.6,
// the same few hundred questions asked of both over UDP with EDNS (1232), UDP
// without EDNS and TCP, and the answers compared. NSD is the reference; where we
// deliberately differ, the difference is listed in KNOWN_DIFFERENCES with its
// reason and asserted as such, so it cannot drift silently.
//
// What is compared, per question and transport:
// - always: rcode, AA, TC, and whether an OPT came back (with its payload size);
// - when either side set TC: nothing more (each server empties or trims the
//   sections its own way; the client retries over TCP);
// - the answer section, as a set of `name ttl type rdata` (names case-folded);
// - for negative answers (SOA in authority), referrals (AA clear) and answers
//   that end in a CNAME the chain could not complete: the authority section and
//   the whole additional section (the glue);
// - for other positive answers, the additional addresses of the answer's MX,
//   SRV and NS targets. Not the authority section: NSD (minimal-responses: no)
//   adds the apex NS set and its addresses to every positive answer; we answer
//   minimally, which RFC 1034 §4.3.2 allows and keeps packets small.
//
// ANY is left out on purpose: NSD answers ANY with every RRset at the name, we
// follow RFC 8482 §4.2 and answer with one RRset (tested in resolve.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTargets, sortedLines } from '../testing/answer-lines';
import { RCODE, type Message } from '../dns/wire';
import { ask } from '../testing/dns-client';
import { DIFF_ZONE, differentialQuestions, differentialZoneFile, type DiffQuestion } from '../testing/differential-zone';
import { startNsd, type RunningNsd } from '../testing/nsd';
import { requireProgram } from '../testing/system-program';
import { importZone } from '../zones/changes';
import { startWorker, type RunningWorker } from './worker';

const nsdProgram = requireProgram('nsd', 'nsd');

type Mode = 'udp+edns' | 'udp' | 'tcp';
const MODES: { mode: Mode; transport: 'udp' | 'tcp'; edns: number | false }[] = [
  { mode: 'udp+edns', transport: 'udp', edns: 1232 },
  { mode: 'udp', transport: 'udp', edns: false },
  { mode: 'tcp', transport: 'tcp', edns: 1232 },
];

/**
 * Where we differ from NSD 4.6 on purpose. `check` asserts the documented difference
 * (and returns a description of what is wrong when it does not hold).
 */
const KNOWN_DIFFERENCES: { applies: (q: DiffQuestion, mode: Mode) => boolean; why: string; check: (ours: Summary, nsd: Summary) => string | null }[] = [
  {
    // RFC 9471 §3.1: when the in-domain glue of a referral does not all fit, TC MUST be
    // set. NSD 4.6 never sets TC for glue: with partial glue (partdeleg) or none (bigdeleg,
    // whose glue is AAAA only) it sends the referral without TC. (With A glue of which none
    // fits, it even sends more than 512 bytes without EDNS, which is plainly a bug.) The
    // issue asks for RFC 9471, the newer and stricter rule; only 512-byte UDP is affected.
    // DS at the cut is answered from the parent side, with no referral.
    applies: (q, mode) => mode === 'udp' && /^(x\.)?(part|big)deleg\./i.test(q.name) && !(q.type === 'DS' && /^(part|big)deleg\./i.test(q.name)),
    why: 'RFC 9471 required glue: we set TC, NSD 4.6 sends the referral without (all) its glue',
    check: (ours, nsd) => (ours.tc && !ours.aa && !nsd.tc && !nsd.aa && nsd.authority.length > 0 ? null : 'expected TC from us, and a referral short of glue without TC from NSD'),
  },
];

interface Summary {
  rcode: number;
  aa: boolean;
  tc: boolean;
  opt: string;
  answer: string[];
  authority: string[];
  additional: string[];
  /** Lowercased MX/SRV/NS targets named in the answer section. */
  targets: Set<string>;
  lastAnswerType: string | undefined;
}

function summarize(m: Message): Summary {
  const targets = answerTargets(m);
  return {
    rcode: m.rcode,
    aa: m.aa,
    tc: m.tc,
    opt: m.edns ? `OPT ${m.edns.udpSize}` : 'no OPT',
    answer: sortedLines(m.answers),
    authority: sortedLines(m.authorities),
    additional: sortedLines(m.additionals),
    targets,
    lastAnswerType: m.answers.at(-1)?.type,
  };
}

const targetAddresses = (s: Summary) => s.additional.filter((l) => s.targets.has(l.slice(0, l.indexOf(' '))));

/** The differences between our summary and NSD's that matter, as readable lines; empty when equal. */
function compare(q: DiffQuestion, ours: Summary, nsd: Summary, nsdTcp: Summary | undefined): string[] {
  const out: string[] = [];
  const field = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`  ${what}: ours ${String(a)}, NSD ${String(b)}`);
  };
  const list = (what: string, a: string[], b: string[]) => {
    const onlyOurs = a.filter((x) => !b.includes(x));
    const onlyNsd = b.filter((x) => !a.includes(x));
    if (onlyOurs.length || onlyNsd.length) {
      out.push(`  ${what} differs:`);
      for (const x of onlyOurs) out.push(`    + ours only: ${x}`);
      for (const x of onlyNsd) out.push(`    - NSD only:  ${x}`);
    }
  };
  field('rcode', ours.rcode, nsd.rcode);
  field('AA', ours.aa, nsd.aa);
  field('TC', ours.tc, nsd.tc);
  field('OPT', ours.opt, nsd.opt);
  if (ours.tc || nsd.tc) return out;
  list('answer', ours.answer, nsd.answer);
  const negative = nsd.authority.some((l) => l.split(' ')[2] === 'SOA') || ours.authority.some((l) => l.split(' ')[2] === 'SOA');
  const referral = !nsd.aa || !ours.aa;
  const unfinishedChain = q.type !== 'CNAME' && nsd.lastAnswerType === 'CNAME';
  if (negative || referral || unfinishedChain || nsd.answer.length === 0) {
    list('authority', ours.authority, nsd.authority);
    list('additional', ours.additional, nsd.additional);
  } else {
    const mine = targetAddresses(ours);
    const theirs = targetAddresses(nsd);
    const complete = nsdTcp ? targetAddresses(nsdTcp) : theirs;
    if (theirs.length === complete.length) {
      list('additional target addresses', mine, theirs);
    } else {
      // NSD ran out of room (it also carries the apex NS set); we must not have less than it.
      const missing = theirs.filter((x) => !mine.includes(x));
      const wrong = mine.filter((x) => !complete.includes(x));
      if (missing.length || wrong.length) list('additional target addresses (NSD trimmed)', mine.filter((x) => !missing.includes(x)).concat(wrong), theirs);
    }
  }
  return out;
}

function show(s: Summary): string {
  const sec = (t: string, l: string[]) => (l.length ? [`    ${t}:`, ...l.map((x) => `      ${x}`)] : []);
  return [
    `    rcode ${s.rcode} AA ${s.aa} TC ${s.tc} ${s.opt}`,
    ...sec('answer', s.answer),
    ...sec('authority', s.authority),
    ...sec('additional', s.additional),
  ].join('\n');
}

async function askBoth(port: number, q: DiffQuestion, transport: 'udp' | 'tcp', edns: number | false): Promise<Message> {
  // Loopback UDP does not lose packets in practice; one retry keeps a busy CI box honest.
  try {
    return await ask(port, q.name, q.type, { transport, edns, timeoutMs: 2000 });
  } catch {
    return ask(port, q.name, q.type, { transport, edns, timeoutMs: 3000 });
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe.skipIf(!nsdProgram)('answers identical to NSD 4.6', () => {
  let worker: RunningWorker;
  let nsd: RunningNsd;
  const questions = differentialQuestions();
  const nsdTcp = new Map<string, Summary>();
  const key = (q: DiffQuestion) => `${q.name.toLowerCase()} ${q.type}`;

  beforeAll(async () => {
    const zoneFile = differentialZoneFile();
    await importZone(DIFF_ZONE, zoneFile, { name: 'test' });
    [worker, nsd] = await Promise.all([
      // Rate limiting off on both sides (NSD: rrl-ratelimit 0): hundreds of questions from one address, mostly NODATA of one zone.
      startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, rrl: { responsesPerSecond: 0 } }),
      startNsd({ zone: DIFF_ZONE, zoneFile, program: nsdProgram! }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([worker?.stop(), nsd?.stop()]);
  });

  it('asks a few hundred questions, ANY excluded', () => {
    expect(questions.length).toBeGreaterThan(300);
    expect(questions.some((q) => q.type === 'ANY')).toBe(false);
  });

  // TCP first: its complete answers tell the UDP comparisons what NSD trimmed.
  for (const { mode, transport, edns } of [MODES[2]!, MODES[0]!, MODES[1]!]) {
    it(`over ${mode}`, async () => {
      const wport = worker.dns[0]!.port;
      const results = await pool(questions, 16, async (q) => {
        const [ours, theirs] = await Promise.all([askBoth(wport, q, transport, edns), askBoth(nsd.port, q, transport, edns)]);
        // The question comes back as the client spelled it (RFC 1035 §7.1, RFC 4343).
        const echo = ours.questions[0]?.name === q.name ? null : `question echoed as ${ours.questions[0]?.name}`;
        return { q, ours: summarize(ours), nsd: summarize(theirs), echo };
      });
      const failures: string[] = [];
      let compared = 0;
      let known = 0;
      for (const { q, ours, nsd: theirs, echo } of results) {
        if (mode === 'tcp') nsdTcp.set(key(q), theirs);
        const header = `${q.name} ${q.type} over ${mode}`;
        if (echo) failures.push(`${header}\n  ${echo}`);
        const exception = KNOWN_DIFFERENCES.find((d) => d.applies(q, mode));
        if (exception) {
          known++;
          const wrong = exception.check(ours, theirs);
          if (wrong) failures.push(`${header} (known difference: ${exception.why})\n  ${wrong}\n  ours:\n${show(ours)}\n  NSD:\n${show(theirs)}`);
          continue;
        }
        compared++;
        const diff = compare(q, ours, theirs, mode === 'tcp' ? undefined : nsdTcp.get(key(q)));
        if (diff.length) failures.push(`${header}\n${diff.join('\n')}\n  ours:\n${show(ours)}\n  NSD:\n${show(theirs)}`);
      }
      expect(compared + known).toBe(questions.length);
      expect(failures.length, `${failures.length} of ${questions.length} answers differ from NSD's over ${mode}:\n\n${failures.join('\n\n')}`).toBe(0);
    });
  }

  it('agrees on at least one NXDOMAIN, one referral and one truncation (the zone exercises them)', async () => {
    const wport = worker.dns[0]!.port;
    const nx = await ask(wport, `nonexistent.${DIFF_ZONE}`, 'A');
    expect(nx.rcode).toBe(RCODE.NXDOMAIN);
    const ref = await ask(wport, `host.child.${DIFF_ZONE}`, 'A');
    expect(ref.aa).toBe(false);
    const tc = await ask(wport, `big.${DIFF_ZONE}`, 'A');
    expect(tc.tc).toBe(true);
    // bigdeleg: the NS set fits in 512 bytes, none of its glue does.
    const noGlue = await ask(wport, `bigdeleg.${DIFF_ZONE}`, 'A');
    expect([noGlue.tc, noGlue.authorities.length, noGlue.additionals.length]).toEqual([true, 13, 0]);
    const nsdNoGlue = await ask(nsd.port, `bigdeleg.${DIFF_ZONE}`, 'A');
    expect([nsdNoGlue.tc, nsdNoGlue.authorities.length, nsdNoGlue.additionals.length]).toEqual([false, 13, 0]);
  });
});
