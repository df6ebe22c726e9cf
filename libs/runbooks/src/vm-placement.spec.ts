import { describe, expect, it } from 'vitest';
import { placeVm } from './vm-placement.js';

const hv = (name: string, tags: string[] = [], healthy = true) => ({ hostId: name, name, tags, healthy });

describe('placeVm', () => {
  const vm = { resourceId: 'shop', hostId: 'hv1', memoryMb: 4096, antiAffinity: 'web' };

  it('takes the first healthy hypervisor in preference order', () => {
    expect(placeVm(vm, [hv('hv1'), hv('hv2'), hv('hv3')], [])).toEqual({ hostId: 'hv2', decision: 'hv2 chosen' });
    expect(placeVm(vm, [hv('hv1'), hv('hv2', [], false), hv('hv3')], [])).toEqual({ hostId: 'hv3', decision: 'hv2: down; hv3 chosen' });
  });

  it('respects capacity', () => {
    const placed = [{ resourceId: 'a', hostId: 'hv2', memoryMb: 6000 }];
    expect(placeVm(vm, [hv('hv2', ['capacity-mb=8192']), hv('hv3', ['capacity-mb=8192'])], placed)).toEqual({ hostId: 'hv3', decision: 'hv2: 6000 + 4096 MB > capacity 8192; hv3 chosen' });
    expect(placeVm(vm, [hv('hv2', ['capacity-mb=10096'])], placed)).toEqual({ hostId: 'hv2', decision: 'hv2 chosen' });
  });

  it('keeps VMs of one anti-affinity group apart, and says why when nothing fits', () => {
    const placed = [{ resourceId: 'web2', hostId: 'hv2', memoryMb: 1024, antiAffinity: 'web' }, { resourceId: 'big', hostId: 'hv3', memoryMb: 8000 }];
    const outcome = placeVm(vm, [hv('hv1'), hv('hv2'), hv('hv3', ['capacity-mb=8192']), hv('hv4', [], false)], placed);
    expect(outcome).toEqual({ refused: 'no hypervisor can take it (hv2: already runs a VM of anti-affinity group web; hv3: 8000 + 4096 MB > capacity 8192; hv4: down)' });
  });

  it('never places a VM on a hypervisor inside a maintenance window, and says which window', () => {
    const inWindow = { ...hv('hv2'), maintenance: 'kernel update' };
    expect(placeVm(vm, [hv('hv1'), inWindow, hv('hv3')], [])).toEqual({ hostId: 'hv3', decision: 'hv2: in maintenance (kernel update); hv3 chosen' });
    expect(placeVm(vm, [inWindow], [])).toEqual({ refused: 'no hypervisor can take it (hv2: in maintenance (kernel update))' });
  });

  it('refuses a VM larger than every member at once, saying so', () => {
    const outcome = placeVm({ ...vm, memoryMb: 9000 }, [hv('hv1', ['capacity-mb=8192']), hv('hv2', ['capacity-mb=4096'])], []);
    expect(outcome).toEqual({ refused: 'its memory (9000 MB) exceeds the capacity of every member (largest 8192 MB)' });
  });
});
