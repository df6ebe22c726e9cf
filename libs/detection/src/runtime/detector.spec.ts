import { describe, expect, it } from 'vitest';
import type { ProbeStatus } from '#lib/probes';
import { arrivedLate, DEFAULT_POLICY, type DetectorPolicy, type DetectorState, type Health, initialState, observe, reassess, vantageRole } from './detector.js';

type Step = [vantage: string, status: ProbeStatus, atMs: number];

/** Runs a sequence of results and returns the health after each one, plus the recorded changes. */
function run(steps: Step[], policy: Partial<DetectorPolicy> = {}, start: DetectorState = initialState(0)) {
  const p = { ...DEFAULT_POLICY, ...policy };
  let state = start;
  const healths: Health[] = [];
  const changes: string[] = [];
  const reprobes: (number | undefined)[] = [];
  const effective: number[] = [];
  for (const [vantage, status, at] of steps) {
    const out = observe(state, vantage, { status, at, latencyMs: 1, reason: `${status} seen by ${vantage}` }, p);
    state = out.state;
    healths.push(state.health);
    reprobes.push(out.reprobeInMs);
    if (out.change) changes.push(`${out.change.at}:${out.change.from}->${out.change.to}${out.change.flapping ? '(flapping)' : ''}`);
    if (out.change) effective.push(out.change.effectiveAt);
  }
  return { healths, changes, reprobes, state, effective };
}

const seq = (vantage: string, statuses: ProbeStatus[], every = 1000, from = 0): Step[] =>
  statuses.map((s, i) => [vantage, s, from + i * every]);

describe('detector: confirmation counts', () => {
  it.each<[string, ProbeStatus[], Partial<DetectorPolicy>, Health[]]>([
    ['first success is up at once', ['up'], {}, ['up']],
    ['N=3: two failures are suspect, the third is down', ['up', 'down', 'down', 'down'], {}, ['up', 'suspect', 'suspect', 'down']],
    ['a single failure between successes never opens an outage', ['up', 'down', 'up', 'down', 'down', 'up'], {}, ['up', 'suspect', 'up', 'suspect', 'suspect', 'up']],
    ['M=2: recovery needs two successes', ['up', 'down', 'down', 'down', 'up', 'up'], {}, ['up', 'suspect', 'suspect', 'down', 'down', 'up']],
    ['a failure during recovery restarts the count', ['up', 'down', 'down', 'down', 'up', 'down', 'up', 'up'], {}, ['up', 'suspect', 'suspect', 'down', 'down', 'down', 'down', 'up']],
    ['N=1 goes down at once', ['up', 'down'], { failuresToDown: 1 }, ['up', 'down']],
    ['a monitor failing from its first probe is suspect, then down', ['down', 'down', 'down'], {}, ['suspect', 'suspect', 'down']],
    ['degraded needs N results too', ['up', 'degraded', 'degraded', 'degraded', 'up', 'up'], {}, ['up', 'up', 'up', 'degraded', 'degraded', 'up']],
    ['down recovers to degraded after M', ['up', 'down', 'down', 'down', 'degraded', 'degraded'], {}, ['up', 'suspect', 'suspect', 'down', 'down', 'degraded']],
  ])('%s', (_name, statuses, policy, expected) => {
    expect(run(seq('v1', statuses), policy).healths).toEqual(expected);
  });

  it('records changes with the time of the confirming result, to the millisecond', () => {
    const { changes, effective } = run([['v1', 'up', 1000], ['v1', 'down', 2000], ['v1', 'down', 2301], ['v1', 'down', 2602], ['v1', 'up', 3602], ['v1', 'up', 3903]]);
    expect(changes).toEqual(['1000:unknown->up', '2000:up->suspect', '2602:suspect->down', '3903:down->up']);
    // The outage ran from the first failure (2000) to the first success of the recovery (3602).
    expect(effective).toEqual([1000, 2000, 2000, 3602]);
  });
});

describe('detector: fast confirmation', () => {
  it('asks for a re-probe at the confirmation interval while a change is unconfirmed, and not otherwise', () => {
    const { reprobes } = run(seq('v1', ['up', 'down', 'down', 'down', 'down', 'up', 'up', 'up']), { confirmIntervalMs: 300 });
    expect(reprobes).toEqual([undefined, 300, 300, undefined, undefined, 300, undefined, undefined]);
  });

  it('confirms an outage of a 1 s monitor in well under 2 s', () => {
    // The failure is seen at t=1000, re-probed at +300 and +600: down at t=1600.
    const { changes } = run([['v1', 'up', 0], ['v1', 'down', 1000], ['v1', 'down', 1300], ['v1', 'down', 1600]]);
    expect(changes.at(-1)).toBe('1600:suspect->down');
  });
});

describe('detector: multi-vantage quorum', () => {
  const both = (a: ProbeStatus, b: ProbeStatus, at: number): Step[] => [['eu', a, at], ['us', b, at + 1]];

  it('a failure seen from one vantage only stays suspect, never down', () => {
    const steps = [0, 1, 2, 3, 4, 5].flatMap((i) => both('down', 'up', i * 1000));
    const { healths } = run(steps, { quorum: 2 });
    expect(new Set(healths)).toEqual(new Set(['suspect']));
  });

  it('goes down when the quorum of vantages confirms, and names them', () => {
    const steps = [0, 1, 2].flatMap((i) => both('down', 'down', i * 1000));
    const { healths, state } = run(steps, { quorum: 2 });
    expect(healths).toEqual(['suspect', 'suspect', 'suspect', 'suspect', 'suspect', 'down']);
    expect(state.reason).toBe('eu: down seen by eu; us: down seen by us');
  });

  it('a stale vantage does not vote: one fresh vantage alone cannot reach a quorum of two', () => {
    const steps: Step[] = [['eu', 'down', 0], ['eu', 'down', 1000], ['eu', 'down', 2000], ['us', 'down', 100_000], ['us', 'down', 101_000], ['us', 'down', 102_000]];
    const { healths, state } = run(steps, { quorum: 2, vantageStaleMs: 30_000 });
    expect(healths).toEqual(['suspect', 'suspect', 'suspect', 'suspect', 'suspect', 'suspect']);
    expect(state.reason).toMatch(/^1 of 2 vantages needed confirm down: down seen by us$/);
    // eu comes back and confirms too: now it is an outage.
    const resumed = run([['eu', 'down', 102_500], ['eu', 'down', 102_800], ['eu', 'down', 103_100]], { quorum: 2, vantageStaleMs: 30_000 }, state);
    expect(resumed.healths.at(-1)).toBe('down');
  });
});

describe('detector: flap damping', () => {
  const flap = (cycles: number, every = 10_000): Step[] =>
    Array.from({ length: cycles }, (_, c) => seq('v1', ['down', 'down', 'down', 'up', 'up'], 1000, c * every)).flat();

  it('marks a monitor flapping after 5 up-down swings inside the window', () => {
    const { changes, state } = run([['v1', 'up', -1000], ...flap(3)], { flapThreshold: 5 });
    expect(state.flapping).toBe(true);
    expect(changes.filter((c) => c.includes('(flapping)'))[0]).toMatch(/->down\(flapping\)$/);
  });

  it('does not count the same number of swings spread beyond the window', () => {
    const { state } = run([['v1', 'up', -1000], ...flap(3, 400_000)], { flapThreshold: 5, flapWindowMs: 600_000 });
    expect(state.flapping).toBe(false);
  });

  it('clears flapping once the window holds at most half the threshold, reporting the change', () => {
    const steps: Step[] = [['v1', 'up', -1000], ...flap(3), ...seq('v1', ['up', 'up', 'up'], 300_000, 700_000)];
    const { state, changes } = run(steps, { flapThreshold: 5, flapWindowMs: 600_000 });
    expect(state.flapping).toBe(false);
    expect(changes.at(-1)).toMatch(/up->up$/);
  });
});

describe('detector: restart safety', () => {
  it('resumes from its persisted JSON without losing a confirmation in progress', () => {
    const before = run(seq('v1', ['up', 'down', 'down']));
    const restored = JSON.parse(JSON.stringify(before.state)) as DetectorState;
    const after = run([['v1', 'down', 3000]], {}, restored);
    expect(after.healths).toEqual(['down']);
  });
});

describe('detector: assigned voters (vantages issue)', () => {
  const voters = { voters: ['central', 'agent'], quorum: 2 };
  const both = (a: ProbeStatus[], b: ProbeStatus[]): Step[] => a.flatMap((s, i) => [['central', s, i * 1000] as Step, ['agent', b[i]!, i * 1000 + 100] as Step]);

  it('one vantage failing is suspect, 1 of 2, and names both; both failing is down', () => {
    const oneFails = run(both(['up', 'down', 'down', 'down'], ['up', 'up', 'up', 'up']), voters);
    expect(oneFails.state.health).toBe('suspect');
    expect(oneFails.state.reason).toMatch(/^suspect: 1 of 2 vantages see it failing, 1 confirmed, 2 must confirm down — central: down since .*; agent: up since/);
    expect(oneFails.changes.some((c) => c.endsWith('->down'))).toBe(false);
    const bothFail = run(both(['up', 'down', 'down', 'down'], ['up', 'down', 'down', 'down']), voters);
    expect(bothFail.state.health).toBe('down');
    expect(bothFail.state.reason).toMatch(/^down: 2 of 2 vantages confirm it \(quorum 2\)/);
    // The outage starts when the quorum was failing: the second vantage's first failure (central failed at 1000, the
    // agent at 1100; until then it was suspect, and suspect time is not downtime).
    expect(bothFail.effective.at(-1)).toBe(1100);
  });

  it('an outage ends when the quorum answers again, whichever vantage reports it; a stale vantage dates nothing', () => {
    const down = both(['up', 'down', 'down', 'down'], ['up', 'down', 'down', 'down']);
    // The agent answers first (3100) but its second answer comes late (6100); central answers at 4000 and 5000.
    const back: Step[] = [...down, ['agent', 'up', 3100], ['central', 'up', 4000], ['central', 'up', 5000], ['agent', 'up', 6100]];
    const out = run(back, voters);
    expect(out.changes.at(-1)).toMatch(/^6100:down->up$/);
    // Reported by the agent, whose streak began at 3100; the quorum (2) was answering from 4000.
    expect(out.effective.at(-1)).toBe(4000);
    // Three voters, quorum 2: c went stale while failing since 500; a fails from 1000, b from 2000 → down from 2000.
    const three = { voters: ['a', 'b', 'c'], quorum: 2, vantageStaleMs: 1_500 };
    const steps: Step[] = [...seq('c', ['down', 'down', 'down'], 100, 500), ...seq('a', ['down', 'down', 'down', 'down', 'down', 'down', 'down', 'down'], 1000, 1000), ...seq('b', ['down', 'down', 'down', 'down', 'down', 'down', 'down'], 1000, 2000)];
    steps.sort((x, y) => x[2] - y[2]);
    const late = run(steps, three);
    expect(late.changes.at(-1)).toMatch(/->down$/);
    expect(late.effective.at(-1)).toBe(2000);
  });

  it('a long suspicion before the quorum is reached is not part of the outage', () => {
    // The agent's path is cut from 1000 ms (suspect, 1 of 2); the target really fails at 8000 ms, seen by central.
    const steps: Step[] = [...seq('agent', ['up', 'down', 'down', 'down', 'down', 'down', 'down', 'down', 'down', 'down', 'down'], 1000, 100), ...seq('central', ['up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'down', 'down', 'down'], 1000, 0)];
    steps.sort((a, b) => a[2] - b[2]);
    const out = run(steps, voters);
    expect(out.state.health).toBe('down');
    expect(out.effective.at(-1)).toBe(8000);
    // With a quorum of 1 the first failure (the agent's, 1100) is the start, as before.
    expect(run(steps, { ...voters, quorum: 1 }).effective.at(-1)).toBe(1100);
  });

  it('a new health dates from when it began, as its incident does: "down since" is the outage\'s start, not the decision', () => {
    const steps: Step[] = [...seq('agent', ['up', 'up', 'down', 'down', 'down'], 1000, 100), ...seq('central', ['up', 'up', 'up', 'down', 'down', 'down'], 1000, 0)];
    steps.sort((a, b) => a[2] - b[2]);
    const out = run(steps, voters);
    expect(out.state.health).toBe('down');
    // Decided at 5000 (central's third failure); the quorum was failing from 3000 (central's first, the second vantage).
    expect(out.effective.at(-1)).toBe(3000);
    expect(out.state.since).toBe(3000);
    // Suspect (one vantage failing) began with the agent's first failure.
    expect(run(steps.filter(([, , at]) => at < 3000), voters).state).toMatchObject({ health: 'suspect', since: 2100 });
  });

  it('an outage\'s end is dated by the streaks that began after it: a voter up all along (quorum below the voters) does not put the recovery before the outage', () => {
    // Quorum 1 of 2: central fails from 4000 (down at 6000), the agent never fails; central answers again from 9000.
    const steps: Step[] = [...seq('agent', ['up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up'], 1000, 500), ...seq('central', ['up', 'up', 'up', 'up', 'down', 'down', 'down', 'down', 'down', 'up', 'up'], 1000, 0)];
    steps.sort((a, b) => a[2] - b[2]);
    const out = run(steps, { ...voters, quorum: 1 });
    expect(out.changes.filter((c) => /->(down|up)$/.test(c))).toEqual(expect.arrayContaining([expect.stringMatching(/->down$/), expect.stringMatching(/down->up$/)]));
    // Down from 4000; up again from 9000 (central's first success), never from the agent's 500.
    expect(out.effective.slice(-2)).toEqual([4000, 9000]);
    expect(out.state).toMatchObject({ health: 'up', since: 9000 });
  });

  it('degraded with several voters dates from the first vantage that saw it, not from another\'s run of successes', () => {
    const three = { voters: ['central', 'a', 'b'], quorum: 2 };
    const steps: Step[] = [...seq('a', ['up', 'up', 'up', 'up', 'up', 'up'], 1000, 100), ...seq('b', ['up', 'up', 'up', 'up', 'up', 'up'], 1000, 200), ...seq('central', ['up', 'up', 'up', 'degraded', 'degraded', 'degraded'], 1000, 0)];
    steps.sort((a, b) => a[2] - b[2]);
    const out = run(steps, three);
    expect(out.state).toMatchObject({ health: 'degraded', since: 3000 });
  });

  it('a vantage\'s result older than the one already judged arrived late (history), within a window', () => {
    const state = run([['agent', 'up', 1000], ['agent', 'down', 2000]], voters).state;
    expect(arrivedLate(state, 'agent', 1500, 30_000)).toBe(true);
    expect(arrivedLate(state, 'agent', 2000, 30_000)).toBe(false);
    expect(arrivedLate(state, 'agent', 2500, 30_000)).toBe(false);
    // Another vantage, or one not heard yet: nothing to be late against.
    expect(arrivedLate(state, 'central', 1500, 30_000)).toBe(false);
    // Further back than the window (a clock stepped back): judged.
    expect(arrivedLate(state, 'agent', 2000 - 30_001, 30_000)).toBe(false);
  });

  it('an outage confirmed by a quorum ends only when a quorum confirms recovery, not when one recovers or goes stale', () => {
    const down = both(['up', 'down', 'down', 'down'], ['up', 'down', 'down', 'down']);
    const centralBack = [...down, ...seq('central', ['up', 'up', 'up'], 1000, 4000)];
    const held = run(centralBack, voters);
    expect(held.state.health).toBe('down');
    expect(held.state.reason).toMatch(/^down: held until 2 vantages confirm recovery \(1 of the 2 voting do\)/);
    const bothBack = run([...centralBack, ...seq('agent', ['up', 'up'], 1000, 7100)], voters);
    expect(bothBack.state.health).toBe('up');
    expect(bothBack.changes.at(-1)).toMatch(/down->up$/);
    // The agent falls silent while down: the central's recovery alone does not end the outage either. Nobody fresh
    // sees it down now: held open, unknown — its time unobserved, not downtime.
    const stale = run([...down, ...seq('central', ['up', 'up', 'up'], 1000, 70_000)], voters);
    expect(stale.state).toMatchObject({ health: 'unknown', outageHeld: true });
    expect(stale.state.reason).toMatch(/^cannot confirm recovery: the outage stays open until 2 vantages confirm recovery \(1 of the 2 voting do, the others silent\); none sees it down/);
    expect(stale.changes.at(-1)).toBe('71000:down->unknown');
  });

  it('a stale voter cannot make up the quorum and is named as stale', () => {
    const steps: Step[] = [['agent', 'down', 0], ['agent', 'down', 100], ['agent', 'down', 200], ...seq('central', ['down', 'down', 'down'], 1000, 70_000)];
    const out = run(steps, voters);
    expect(out.state.health).toBe('suspect');
    expect(out.state.reason).toMatch(/agent: stale \(last result/);
  });

  it('a vantage not assigned (an old replica, an unassigned agent) does not vote', () => {
    const out = run([...seq('old-replica', ['down', 'down', 'down']), ...seq('central', ['down', 'down', 'down'], 1000, 3000)], { voters: ['central', 'agent'], quorum: 2 });
    expect(out.state.health).toBe('suspect');
    const alone = run([...seq('old-replica', ['down', 'down', 'down']), ...seq('central', ['up'], 1000, 3000)], { voters: ['central'], quorum: 1 });
    expect(alone.state.health).toBe('up');
  });

  it('without voters the detector decides exactly as before (one central vantage)', () => {
    const a = run(seq('v', ['up', 'down', 'down', 'down', 'up', 'up']));
    const b = run(seq('v', ['up', 'down', 'down', 'down', 'up', 'up']), { voters: ['v'] });
    expect(b.healths).toEqual(a.healths);
    expect(b.state.reason).toBe(a.state.reason);
  });
});

describe('detector: impaired vantages do not vote (vantages issue)', () => {
  const impaired = { excluded: { agent: 'impaired (clock off by +30.0 s)' } };
  const both = (a: ProbeStatus[], b: ProbeStatus[]): Step[] => a.flatMap((s, i) => [['central', s, i * 1000] as Step, ['agent', b[i]!, i * 1000 + 100] as Step]);

  it('quorum 2 with one of two vantages impaired: the other alone is never down — suspect while confirming, then unknown (not up)', () => {
    const out = run(both(['up', 'down', 'down', 'down', 'down'], ['down', 'down', 'down', 'down', 'down']), { voters: ['central'], quorum: 2, ...impaired });
    expect(out.healths).toEqual(['up', 'up', 'suspect', 'suspect', 'suspect', 'suspect', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(out.changes.some((c) => c.endsWith('->down'))).toBe(false);
    // Nobody sees it up and the rule cannot decide: the time is unobserved, never uptime, and the reason says why.
    expect(out.state.reason).toMatch(/^cannot decide: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; every healthy vantage confirms it down, so the time is counted unobserved, not up — central: down since .*; agent: not voting, impaired \(clock off by \+30.0 s\)$/);
  });

  it('quorum unreachable but a healthy voter still sees it up: suspect (the failure is one place’s), not unknown', () => {
    const steps = [...seq('central', ['down', 'down', 'down', 'down']), ...seq('b', ['up', 'up', 'up', 'up'], 1000, 100)];
    const out = run(steps, { voters: ['central', 'b'], quorum: 3, ...impaired });
    expect(out.state.health).toBe('suspect');
    expect(out.state.reason).toMatch(/^suspect: quorum unreachable: 2 healthy of 3 assigned vantages, 3 must confirm; 1 of 2 vantages see it failing, 1 confirmed/);
  });

  it('unknown for want of a quorum ends when the impaired vantage votes again: down, dated from then (the unknown phase stays unobserved)', () => {
    const blind = run(both(['down', 'down', 'down', 'down'], ['down', 'down', 'down', 'down']), { voters: ['central'], quorum: 2, ...impaired });
    expect(blind.state.health).toBe('unknown');
    const back = run(both(['down', 'down', 'down'], ['down', 'down', 'down']).map(([v, s, t]) => [v, s, t + 10_000] as Step), { voters: ['central', 'agent'], quorum: 2 }, blind.state);
    expect(back.state.health).toBe('down');
    const i = back.changes.findIndex((c) => c.endsWith('unknown->down'));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(back.effective[i]).toBe(Number(back.changes[i]!.split(':')[0]));
    expect(back.effective[i]).toBeGreaterThanOrEqual(10_000);
  });

  it('an impaired vantage’s failures do not count, even when it confirms down', () => {
    const out = run(both(['up', 'up', 'up', 'up'], ['down', 'down', 'down', 'down']), { voters: ['central', 'b'], quorum: 1, ...impaired });
    expect(out.state.health).toBe('up');
  });

  it('enough healthy voters left: decided as usual, the impaired one named', () => {
    const steps = [...seq('central', ['down', 'down', 'down']), ...seq('b', ['down', 'down', 'down'], 1000, 100), ...seq('agent', ['up'], 1000, 200)];
    const out = run(steps, { voters: ['central', 'b'], quorum: 2, ...impaired });
    expect(out.state.health).toBe('down');
    expect(out.state.reason).toMatch(/^down: 2 of 2 vantages confirm it \(quorum 2\) — .*agent: not voting, impaired/);
  });

  it('an outage open when a voter becomes impaired is held, and says the quorum is unreachable', () => {
    const down = run(both(['down', 'down', 'down'], ['down', 'down', 'down']), { voters: ['central', 'agent'], quorum: 2 });
    expect(down.state.health).toBe('down');
    // The healthy voter still sees it down: held down, counted as downtime (it is seen down).
    const still = run(seq('central', ['down', 'down'], 1000, 5000), { voters: ['central'], quorum: 2, ...impaired }, down.state);
    expect(still.state.health).toBe('down');
    expect(still.state.reason).toMatch(/^down: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; held until 2 vantages confirm recovery/);
  });

  it('an outage held while the only voter left sees it back: unknown (unobserved, not downtime), still open, closed when the quorum confirms', () => {
    const down = run(both(['down', 'down', 'down'], ['down', 'down', 'down']), { voters: ['central', 'agent'], quorum: 2 });
    const policy = { voters: ['central'], quorum: 2, ...impaired };
    // The central's first success at 5000, its verdict up at 6000 (M=2): from then nothing counted sees it down.
    const after = run(seq('central', ['up', 'up', 'up'], 1000, 5000), policy, down.state);
    expect(after.healths).toEqual(['down', 'unknown', 'unknown']);
    expect(after.changes).toEqual(['6000:down->unknown']);
    // Unobserved from the central's first success (it saw it up from then), not from the decision.
    expect(after.effective).toEqual([5000]);
    expect(after.state.outageHeld).toBe(true);
    expect(after.state.reason).toMatch(/^cannot confirm recovery: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; the outage stays open until 2 vantages confirm recovery \(1 of the 1 voting do; it ends when the vantages not voting are back .*\); none sees it down, so the time is counted unobserved, not down — central: up since .*; agent: not voting, impaired/);
    // Seen failing again by the voter left: down again, the same outage (no new opening change from up).
    const again = run(seq('central', ['down', 'down', 'down'], 1000, 9000), policy, after.state);
    expect(again.state.health).toBe('down');
    expect(again.state.outageHeld).toBeUndefined();
    // The agent back and both confirm recovery: the outage ends, the change says it was open (its incident resolves).
    const back = run(both(['up', 'up'], ['up', 'up']).map(([v, st, t]) => [v, st, t + 20_000] as Step), { voters: ['central', 'agent'], quorum: 2 }, after.state);
    expect(back.state.health).toBe('up');
    expect(back.state.outageHeld).toBeUndefined();
    // The agent back: its first success (its verdict still the down it gave before) sees nothing down — still
    // held, no "down" blip; its second confirms, with the central the quorum: recovered, and the change says the
    // outage was open (its incident resolves), dated when the quorum answered.
    const both2 = { ...DEFAULT_POLICY, voters: ['central', 'agent'], quorum: 2 };
    const end = observe(after.state, 'agent', { status: 'up', at: 30_000, latencyMs: 1, reason: 'up' }, both2);
    expect(end.state).toMatchObject({ health: 'unknown', outageHeld: true });
    const ended = observe(end.state, 'agent', { status: 'up', at: 30_100, latencyMs: 1, reason: 'up' }, both2);
    expect(ended.change).toMatchObject({ from: 'unknown', to: 'up', outageWasOpen: true, effectiveAt: 30_100 });
    expect(ended.state.outageHeld).toBeUndefined();
  });

  it('held open and the voter left goes quiet too: still unknown (nobody counted sees it down), not down again', () => {
    const pair = { voters: ['a', 'b'], quorum: 2 };
    const down = run([...seq('a', ['up', 'down', 'down', 'down']), ...seq('b', ['up', 'down', 'down', 'down'], 1000, 100)], pair);
    expect(down.state.health).toBe('down');
    const held = { voters: ['a'], quorum: 2, excluded: { b: 'impaired (clock off by +30.0 s)' } };
    const back = run([...seq('a', ['up', 'up', 'up'], 1000, 5000), ...seq('b', ['down', 'down'], 1000, 5100)], held, down.state);
    expect(back.state).toMatchObject({ health: 'unknown', outageHeld: true });
    // a stops; the impaired b's next result (70 s on) must not make it "down" again on nobody's word.
    const quiet = run([['b', 'up', 80_000], ['b', 'down', 81_000]], held, back.state);
    expect(quiet.state).toMatchObject({ health: 'unknown', outageHeld: true });
    expect(quiet.changes).toEqual([]);
  });

  it('the held phase begins after the last result of a voter that saw it down and went quiet, not at the others’ recovery', () => {
    const pair = { voters: ['central', 'agent'], quorum: 2 };
    const down = run([...seq('central', ['down', 'down', 'down']), ...seq('agent', ['down', 'down', 'down'], 1000, 100)], pair);
    // central sees it back from 10 s; agent keeps seeing it down until 50 s, then falls silent.
    const steps: Step[] = [...seq('central', Array<ProbeStatus>(12).fill('up'), 10_000, 10_000), ...seq('agent', ['down', 'down', 'down', 'down', 'down'], 10_000, 10_000)];
    steps.sort((x, y) => x[2] - y[2]);
    const out = run(steps, pair, down.state);
    const i = out.changes.findIndex((c) => c.endsWith('down->unknown'));
    expect(i).toBeGreaterThanOrEqual(0);
    // Decided once the agent's last result (50 s) is stale (> 60 s old); dated from that last result: 50 s were seen down.
    expect(Number(out.changes[i]!.split(':')[0])).toBeGreaterThan(110_000);
    expect(out.effective[i]).toBe(50_000);
  });

  it('seen down again while held: down from the voter’s first failure, the same outage (the change says it was open)', () => {
    const down = run(both(['down', 'down', 'down'], ['down', 'down', 'down']), { voters: ['central', 'agent'], quorum: 2 });
    const policy = { voters: ['central'], quorum: 2, ...impaired };
    const held = run(seq('central', ['up', 'up'], 1000, 5000), policy, down.state);
    expect(held.state.health).toBe('unknown');
    const p = { ...DEFAULT_POLICY, ...policy };
    let state = held.state;
    let last;
    for (const at of [20_000, 20_300, 20_600]) {
      last = observe(state, 'central', { status: 'down', at, latencyMs: 1, reason: 'HTTP 503' }, p);
      state = last.state;
    }
    expect(last!.change).toMatchObject({ from: 'unknown', to: 'down', effectiveAt: 20_000, outageWasOpen: true });
  });

  it('an outage whose voters all go quiet (or stop probing: a refused address) is held unknown from the last result that saw it down', () => {
    const down = run(seq('central', ['down', 'down', 'down']), { voters: ['central'], quorum: 1 });
    expect(down.state.health).toBe('down');
    const p = { ...DEFAULT_POLICY, voters: ['central'], quorum: 1 };
    // Still fresh: nothing to say.
    expect(reassess(down.state, 30_000, p)).toBeUndefined();
    const quiet = reassess(down.state, 70_000, p)!;
    expect(quiet.state).toMatchObject({ health: 'unknown', outageHeld: true });
    expect(quiet.change).toMatchObject({ from: 'down', to: 'unknown', effectiveAt: 2000, outageWasOpen: true });
    // The central stops probing (its entry dropped, named as not voting): at once, not a freshness bound later.
    const { central: _gone, ...rest } = down.state.vantages;
    const refused = reassess({ ...down.state, vantages: rest }, 3000, { ...p, voters: [], excluded: { central: 'not probing this target (…)' } })!;
    expect(refused.state).toMatchObject({ health: 'unknown', outageHeld: true });
    expect(refused.change).toMatchObject({ from: 'down', to: 'unknown', effectiveAt: 3000, outageWasOpen: true });
    expect(refused.state.reason).toMatch(/^cannot confirm recovery: .*central: not voting, not probing this target/);
  });

  it('its only vantage impaired: unknown, never down, and says why', () => {
    const out = run(seq('agent', ['down', 'down', 'down']), { voters: [], quorum: 1, ...impaired });
    expect(out.state.health).toBe('unknown');
    expect(out.state.reason).toMatch(/agent: not voting, impaired/);
  });
});

describe('detector: silence and votes that leave', () => {
  const policy = { ...DEFAULT_POLICY, vantageStaleMs: 60_000 };

  it('a monitor nobody reports on is unknown once its last results are stale, saying who went quiet — never up on old results', () => {
    const { state } = run(seq('agent-1', ['up', 'up']), { voters: ['agent-1'], excluded: { 'agent-2': 'impaired (no heartbeat yet)' } });
    expect(state.health).toBe('up');
    expect(reassess(state, 1000 + 59_000, { ...policy, voters: ['agent-1'], excluded: { 'agent-2': 'impaired (no heartbeat yet)' } })).toBeUndefined();
    const out = reassess(state, 1000 + 61_000, { ...policy, voters: ['agent-1'], excluded: { 'agent-2': 'impaired (no heartbeat yet)' } })!;
    expect(out.change).toMatchObject({ from: 'up', to: 'unknown', at: 62_000, effectiveAt: 62_000 });
    expect(out.state.reason).toMatch(/^no fresh result from any vantage — agent-1: stale \(last result 1970-01-01T00:00:01\.000Z\); agent-2: not voting, impaired \(no heartbeat yet\)$/);
    // One vantage alone, no assignment: the same.
    const single = run(seq('central', ['up']));
    expect(reassess(single.state, 61_000, policy)?.change).toMatchObject({ from: 'up', to: 'unknown' });
    // Unknown already, or nothing new: nothing to say.
    expect(reassess(out.state, 120_000, policy)).toBeUndefined();
  });

  it('leaving a silent unknown is dated from when the unknown began, never before (or reports keep the phase open)', () => {
    const { state } = run(seq('central', ['up', 'up']));
    const silent = reassess(state, 70_000, policy)!.state;
    expect(silent).toMatchObject({ health: 'unknown', since: 70_000 });
    // The next result continues the run of successes that began at 0: the change is dated at the unknown's start.
    const back = observe(silent, 'central', { status: 'up', at: 75_000, latencyMs: 1, reason: 'up' }, policy);
    expect(back.change).toMatchObject({ from: 'unknown', to: 'up', effectiveAt: 75_000 });
    expect(back.change!.effectiveAt).toBeGreaterThanOrEqual(70_000);
  });

  it('an outage whose vantages go quiet stays open, held unknown, and a later recovery still closes it', () => {
    const { state } = run(seq('central', ['up', 'down', 'down', 'down']));
    expect(state.health).toBe('down');
    const quiet = reassess(state, 200_000, policy)!;
    expect(quiet.state).toMatchObject({ health: 'unknown', outageHeld: true });
    expect(quiet.change).toMatchObject({ from: 'down', to: 'unknown', effectiveAt: 3000, outageWasOpen: true });
    const back = run(seq('central', ['up', 'up'], 1000, 201_000), {}, quiet.state);
    expect(back.state.health).toBe('up');
    expect(back.state.outageHeld).toBeUndefined();
    expect(back.changes).toEqual(['202000:unknown->up']);
  });

  it('a recovery no voter saw begin after the outage (the down votes went away) is dated when it was decided, never before the outage', () => {
    // agent-1 confirms down with quorum 1 of 2 while central sees it up all along; then agent-1 is unassigned.
    const steps: Step[] = [['central', 'up', 0], ['agent-1', 'up', 100], ['agent-1', 'down', 1100], ['agent-1', 'down', 2100], ['agent-1', 'down', 3100], ['central', 'up', 4000]];
    const before = run(steps, { voters: ['central', 'agent-1'], quorum: 1 });
    expect(before.changes).toContain('3100:suspect->down');
    const openedAt = before.state.since;
    expect(openedAt).toBe(1100);
    // Only central votes now; its next result ends the outage — at that moment, not at its up streak's start (0).
    const after = observe(before.state, 'central', { status: 'up', at: 80_000, latencyMs: 1, reason: 'up' }, { ...DEFAULT_POLICY, voters: ['central'], quorum: 1 });
    expect(after.change).toMatchObject({ from: 'down', to: 'up', effectiveAt: 80_000 });
    expect(after.change!.effectiveAt).toBeGreaterThan(openedAt);
  });
});

describe('detector: each vantage’s part in the verdict', () => {
  it('keeps whom the verdict listened to, so each vantage’s row says whether it votes, and why not', () => {
    const steps = [...seq('central', ['up', 'up']), ...seq('old-agent', ['up'], 1000, 100), ...seq('agent', ['down'], 1000, 200)];
    // old-agent reported under an earlier assignment; agent is impaired now.
    const { state } = run(steps, { voters: ['central'], excluded: { agent: 'impaired (clock off)' }, vantageStaleMs: 90_000 });
    expect(state.rule).toEqual({ voters: ['central'], excluded: { agent: 'impaired (clock off)' }, freshMs: 90_000 });
    expect(vantageRole('central', state.rule)).toEqual({ voting: true, role: 'voting' });
    expect(vantageRole('agent', state.rule)).toEqual({ voting: false, role: 'not voting, impaired (clock off)' });
    expect(vantageRole('old-agent', state.rule)).toEqual({ voting: false, role: 'not assigned any more: its last result is kept, not counted' });
    // One watchdog, no assignment: whoever reports votes. A state stored before the rule was kept: not known.
    expect(vantageRole('central', run(seq('central', ['up'])).state.rule)).toEqual({ voting: true, role: 'voting' });
    expect(vantageRole('central', undefined)).toEqual({ voting: null, role: 'not known (judged before this was kept)' });
  });
});
