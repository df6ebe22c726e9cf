/**
 * npm run bench:vm  (root; Debian libvirt-daemon-system, libvirt-clients, qemu-system-x86, qemu-utils, busybox-static,
 * linux-image-amd64 — as .ci/run installs)
 *
 * Real VMs in the lab (test/system/support/hypervisors.ts): two libvirt hypervisors, one guest (128 MB, QEMU TCG)
 * answering HTTP with its name and boot id, watched by Vigia through TCP monitors on the hypervisors' SSH ports
 * (every second). Hypervisor loss: per trial the hypervisor running the guest crashes (link down, every process
 * in it SIGKILLed); the figure is the time from the crash to the guest's first answer with a new boot id — detection,
 * the built-in vm-recovery run (fencing attempt, define + start on the other) and the guest's boot. The crashed
 * hypervisor is brought back (its stale definition is then undefined by Vigia) before the next trial. Live
 * migration: per trial a `vm.migrate` run moves the guest to the other hypervisor while HTTP is asked every 100 ms;
 * the figures are the run's duration and the longest time without an answer. Prints each trial, the medians and
 * worst. Bounded: TRIALS trials (default 5) of each, each at most 180 s.
 */
import { loadavg } from 'node:os';
import { expect, it } from 'vitest';
import { Company, type Run } from '../test/system/support/company.js';
import { Hypervisors } from '../test/system/support/hypervisors.js';

const TRIALS = Number(process.env.TRIALS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
/** A run's commands with how long each took: where its time went. */
const phases = (run: Run) => run.steps.flatMap((s) => s.actions).map((a) => `${a.target.split(' ')[0]} ${a.command.split(' ').slice(0, 2).join(' ')} ${((a.ms ?? 0) / 1000).toFixed(1)} s`).join('; ');

it(`VM recovery and live migration with real libvirt hypervisors, ${TRIALS} trials each`, async () => {
  // Each trial loses hv1 or hv2 again within minutes: by the third loss of one hypervisor its monitor is flapping, and
  // flap damping holds the recovery for a minute, by design (a host that keeps dying is not where a VM should go back
  // to). The bench measures a first loss, so damping is set out of reach here; the system test keeps the default.
  const company = await Company.start(['hv1', 'hv2'], [], { VIGIA_DETECT_FLAP_THRESHOLD: '20' });
  try {
    const { ids, lab } = company;
    const hv = await Hypervisors.start(company, ['hv1', 'hv2']);
    for (const name of ['hv1', 'hv2']) {
      ids[`${name}-ssh`] = (await company.gql<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "${name} ssh port", type: tcp, hostId: "${ids[name]}", config: {port: 22}, intervalMs: 1000, timeoutMs: 400}) { id } }`,
      )).createMonitor.id;
    }
    const guest = hv.addGuest('vm-a', 1);
    let bootId = await hv.startGuest('hv1', guest, 180_000);
    const vm = (await company.gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'vm-a', kind: 'vm', config: { driver: 'libvirt', domain: 'vm-a', xmlPath: guest.xmlPath, storagePath: hv.shared, memoryMb: 128, unsafeMigration: true }, members: [{ hostId: ids.hv1 }, { hostId: ids.hv2 }], cooldownMinutes: 0 },
    })).createResource.id;
    const moveRunbook = (await company.gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: 'name: vm-move\nparams: { to: { type: host } }\nsteps:\n  - name: move\n    type: vm.migrate\n    with: { to: "{{ params.to }}" }\n' },
    })).createRunbook.id;
    const where = async () => ((await company.gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${vm}") { primaryHostId } }`)).resource.primaryHostId === ids.hv1 ? 'hv1' : 'hv2');
    const allUp = () => company.until('the hypervisors monitored up', async () => {
      const d = await company.gql<{ monitors: { nodes: { state: { health: string } | null }[] } }>('{ monitors { nodes { state { health } } } }');
      return d.monitors.nodes.every((m) => m.state?.health === 'up');
    }, 60_000);

    // Live migration first (both hypervisors up).
    const migrations: { ms: number; gapMs: number }[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const to = (await where()) === 'hv1' ? 'hv2' : 'hv1';
      let last = Date.now();
      let gapMs = 0;
      let stopped = false;
      const seen = new Set<string>();
      const watcher = (async () => {
        while (!stopped) {
          const answer = await hv.ask(guest, 400);
          if (answer) {
            gapMs = Math.max(gapMs, Date.now() - last);
            last = Date.now();
            seen.add(answer.bootId);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const started = Date.now();
      const run = (await company.gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${moveRunbook}", resourceId: "${vm}", params: {to: "${to}"}, force: true}) { id } }`)).startRun;
      const done = await company.finished(run.id, 'the migration', 180_000);
      const ms = Date.now() - started;
      await new Promise((r) => setTimeout(r, 1000));
      stopped = true;
      await watcher;
      expect(done.status, JSON.stringify(done)).toBe('succeeded');
      expect([...seen]).toEqual([bootId]);
      migrations.push({ ms, gapMs });
      console.log(`migration ${trial} → ${to}: ${(ms / 1000).toFixed(1)} s, longest HTTP gap ${(gapMs / 1000).toFixed(1)} s (load ${load()}) — ${phases(done)}`);
    }

    const recoveries: number[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      await allUp();
      const from = await where();
      const lostAt = Date.now();
      lab.crash(from);
      const answer = await hv.waitServing(guest, 180_000, bootId);
      const ms = Date.now() - lostAt;
      recoveries.push(ms);
      bootId = answer.bootId;
      // The phases: detection (the incident's first event after the crash is the placement, once down is
      // confirmed), the run's commands, the guest's boot (from the run's end to its first answer).
      const after = (iso: string | null | undefined) => (iso ? `${((Date.parse(iso) - lostAt) / 1000).toFixed(1)} s` : '?');
      const run = (await company.runs(vm)).find((r) => r.runbookName === 'builtin/vm-recovery')!;
      const timeline = (await company.gql<{ incidents: { nodes: { timeline: { at: string; message: string }[] }[] } }>(`{ incidents(filter: {monitorId: "${ids[`${from}-ssh`]}"}) { nodes { timeline { at message } } } }`)).incidents.nodes[0]!.timeline;
      const placed = timeline.find((e) => e.message.includes('placement:'));
      // Flap damping holds a member that went down and up five times within ten minutes (the same hypervisor
      // crashed again by the trials): said, since that trial then measures the damping.
      const held = timeline.some((e) => /flapping/i.test(e.message)) ? ' [held as flapping]' : '';
      console.log(`recovery ${trial} (${from} lost): guest serving again after ${(ms / 1000).toFixed(1)} s (load ${load()}) — down confirmed, placed +${after(placed?.at)}${held}; run +${after(run.startedAt)} … +${after(run.steps[0]?.finishedAt)}: ${phases(run)}; booted and answering +${(ms / 1000).toFixed(1)} s`);
      // The hypervisor comes back; Vigia undefines its stale copy before the next trial.
      lab.reconnect(from);
      await hv.boot(from);
      await company.until(`${from}'s stale definition undefined`, async () => !hv.defined(from).includes('vm-a') && (await where()) !== from, 120_000, 500);
    }

    const worst = (xs: number[]) => Math.max(...xs);
    console.log([
      `hypervisor lost → guest serving: median ${(median(recoveries) / 1000).toFixed(1)} s, worst ${(worst(recoveries) / 1000).toFixed(1)} s (target ≤ 20 s)`,
      `live migration: median ${(median(migrations.map((m) => m.ms)) / 1000).toFixed(1)} s, worst ${(worst(migrations.map((m) => m.ms)) / 1000).toFixed(1)} s (target ≤ 10 s); longest HTTP gap median ${(median(migrations.map((m) => m.gapMs)) / 1000).toFixed(1)} s, worst ${(worst(migrations.map((m) => m.gapMs)) / 1000).toFixed(1)} s (target ≤ 2 s)`,
      `load average at the end: ${load()}`,
    ].join('\n'));
  } finally {
    await company.stop();
  }
  // Each trial is bounded (180 s); ten of them on a loaded machine outlast the bench config's 10 minutes.
}, 3_600_000);
