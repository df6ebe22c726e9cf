import { describe, expect, it } from 'vitest';
import { placeVm } from './vm-placement.js';

const hv = (name: string, tags: string[] = [], healthy = true) => ({ hostId: name, name, tags, healthy });

describe('placeVm', () => {
  const vm = { resourceId: 'shop', hostId: 'hv1', memoryMb: 4096, antiAffinity: 'web' };

  it('takes the first healthy hypervisor in preference order', () => {
    expect(placeVm(vm, [hv('hv1'), hv('hv2'), hv('hv3')], [])).toEqual({ hostId: 'hv2' });
    expect(placeVm(vm, [hv('hv1'), hv('hv2', [], false), hv('hv3')], [])).toEqual({ hostId: 'hv3' });
  });

  it('respects capacity', () => {
    const placed = [{ resourceId: 'a', hostId: 'hv2', memoryMb: 6000 }];
    expect(placeVm(vm, [hv('hv2', ['capacity-mb=8192']), hv('hv3', ['capacity-mb=8192'])], placed)).toEqual({ hostId: 'hv3' });
    expect(placeVm(vm, [hv('hv2', ['capacity-mb=10096'])], placed)).toEqual({ hostId: 'hv2' });
  });

  it('keeps VMs of one anti-affinity group apart, and says why when nothing fits', () => {
    const placed = [{ resourceId: 'web2', hostId: 'hv2', memoryMb: 1024, antiAffinity: 'web' }, { resourceId: 'big', hostId: 'hv3', memoryMb: 8000 }];
    const outcome = placeVm(vm, [hv('hv1'), hv('hv2'), hv('hv3', ['capacity-mb=8192']), hv('hv4', [], false)], placed);
    expect(outcome).toEqual({ refused: 'no hypervisor can take it (hv2: already runs a VM of anti-affinity group web; hv3: 8000 + 4096 MiB > 8192 MiB; hv4: down)' });
  });
});
